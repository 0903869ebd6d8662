/**
 * An alert: a condition an administrator must act on (a credential about to expire, a drive that lost
 * its sign-in, a held big delete…). Raised once per condition (its dedup key), kept until resolved,
 * and pushed to the platform's webhook when one is configured.
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export type DeliveryState = 'not_configured' | 'pending' | 'delivered' | 'failed';

/** What the alert is about, so the platform can link to it. */
export interface AlertSubject {
    type: 'drive' | 'credential' | 'integration' | 'subscription' | 'transfer' | 'sync';
    id: string;
    name?: string;
}

/** What a module passes to raiseAlert. `key` identifies the condition: the same key raises once. */
export interface AlertInput {
    key: string;
    severity: AlertSeverity;
    kind: string;
    title: string;
    message: string;
    hint: string;
    subject: AlertSubject;
}

export interface AlertDelivery {
    state: DeliveryState;
    attempts: number;
    lastAttemptAt?: string;
    deliveredAt?: string;
    /** Why the last attempt failed (status code or network error), never a response body. */
    lastError?: string;
}

export interface AlertRecord extends AlertInput {
    id: string;
    state: AlertState;
    raisedAt: string;
    acknowledgedAt?: string;
    acknowledgedBy?: string;
    resolvedAt?: string;
    resolution?: string;
    delivery: AlertDelivery;
}

export const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'resolved'];
