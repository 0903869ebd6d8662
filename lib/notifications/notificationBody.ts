/**
 * The notification payload Graph posts: `{ value: [{ subscriptionId, clientState, changeType,
 * resource, tenantId, lifecycleEvent? }] }`. It says nothing about what changed: only which
 * subscription fired. Parsed by hand (the webhook stays light).
 */
export interface ChangeNotification {
    subscriptionId: string;
    clientState?: string;
    /** Set on lifecycle notifications: reauthorizationRequired (subscriptionRemoved and missed are never sent for drives). */
    lifecycleEvent?: string;
}

export const MAX_NOTIFICATION_BYTES = 1024 * 1024;

export function parseNotifications(text: string): ChangeNotification[] | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return undefined;
    }
    const value = (parsed as { value?: unknown } | null)?.value;
    if (!Array.isArray(value)) return undefined;
    return value.flatMap((v: unknown): ChangeNotification[] => {
        const e = v as Record<string, unknown> | null;
        if (!e || typeof e.subscriptionId !== 'string' || e.subscriptionId.length > 100) return [];
        return [
            {
                subscriptionId: e.subscriptionId,
                ...(typeof e.clientState === 'string' ? { clientState: e.clientState } : {}),
                ...(typeof e.lifecycleEvent === 'string' ? { lifecycleEvent: e.lifecycleEvent } : {}),
            },
        ];
    });
}
