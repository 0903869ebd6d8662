import { consoleLogger } from '../logging/consoleLogger';
import type { Logger } from '../logging/logger';

/**
 * Signals: one log line each, `SYNC_SIGNAL {"signal":"<name>",…}`, that the Azure Monitor alert rules
 * (infra/modules/alerts.bicep, scheduled query rules over Application Insights `traces`) and the
 * workbook read. The prefix and the JSON are in the message text itself, so a rule parses them the
 * same whether or not the host also turns log properties into custom dimensions:
 *
 *     traces | where message startswith "SYNC_SIGNAL " | extend s = parse_json(substring(message, 12))
 *
 * Names and fields are a contract with the rules: rename one only together with infra/.
 */
export const SIGNAL_PREFIX = 'SYNC_SIGNAL';

export interface SignalFields {
    /** Messages waiting in a `<queue>-poison` queue (the Functions host moves a message there after maxDequeueCount failures). */
    poison_queue: { queue: string; messages: number };
    /** Every drive's status, periodically (needs_reauth / access_lost alert). */
    drive_status: { integrationId: string; driveId: string; status: string; cause?: string };
    /** Every credential in use, periodically: days until it expires (negative once expired). */
    credential_expiry: {
        integrationId: string;
        credentialId: string;
        kind: string;
        state: string;
        expiresOn: string;
        daysLeft: number;
    };
    /** One per finished sync run. */
    run_finished: { driveId: string; runId: string; status: string; trigger: string; durationMs?: number };
    /** One per throttling answer from Graph or SharePoint (429, or 503 with Retry-After). */
    throttled: { tenantId: string; status: number; retryAfterSeconds: number; source: 'graph' | 'transfer' };
}

export type SignalName = keyof SignalFields;
export const SIGNAL_NAMES: readonly SignalName[] = [
    'poison_queue',
    'drive_status',
    'credential_expiry',
    'run_finished',
    'throttled',
];

export function signalLine<N extends SignalName>(name: N, fields: SignalFields[N]): string {
    return `${SIGNAL_PREFIX} ${JSON.stringify({ signal: name, ...fields })}`;
}

/** Writes the signal through the invocation's logger, or the console (which the Functions host also collects). */
export function emitSignal<N extends SignalName>(log: Logger | undefined, name: N, fields: SignalFields[N]): void {
    (log ?? consoleLogger).info(signalLine(name, fields));
}

/** The inverse of signalLine, as the rules' KQL reads it (tests; the local host's log). */
export function parseSignal(line: string): ({ signal: SignalName } & Record<string, unknown>) | undefined {
    if (!line.startsWith(`${SIGNAL_PREFIX} `)) return undefined;
    try {
        return JSON.parse(line.slice(SIGNAL_PREFIX.length + 1)) as { signal: SignalName } & Record<string, unknown>;
    } catch {
        return undefined;
    }
}
