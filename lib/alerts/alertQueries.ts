import { recordAudit } from '../audit/audit';
import { ApiError } from '../http/apiError';
import type { Services } from '../runtime/services';
import { ALERT_STATES, AlertRecord, AlertState } from './alertModel';
import { ConcurrentUpdateError } from '../storage/conditionalUpdate';
import { listAlertRecords, updateAlert } from './alertStore';

/**
 * GET /api/manage/alerts?state=open|acknowledged|resolved|all (comma-separated allowed). Without a
 * state: what still needs attention (open and acknowledged), newest first.
 */
export async function listAlerts(services: Services, stateFilter: string | null): Promise<AlertRecord[]> {
    const states = parseStates(stateFilter);
    const all = await listAlertRecords(await services.tables.get('alerts'));
    return all.filter((a) => states.includes(a.state));
}

function parseStates(filter: string | null): AlertState[] {
    if (!filter) return ['open', 'acknowledged'];
    if (filter === 'all') return [...ALERT_STATES];
    const wanted = filter.split(',').map((s) => s.trim());
    const unknown = wanted.filter((s) => !(ALERT_STATES as readonly string[]).includes(s));
    if (unknown.length > 0) {
        throw new ApiError(
            400,
            'validation_failed',
            `Unknown alert state ${unknown.join(', ')}.`,
            'Use state=open, acknowledged, resolved or all.',
            [{ field: 'state', code: 'invalid_enum_value', message: 'Unknown state.' }],
        );
    }
    return wanted as AlertState[];
}

/**
 * POST /api/manage/alerts/{id}/acknowledge: an admin has seen it. The alert stays (and keeps
 * deduplicating its condition) until the condition clears. Idempotent.
 */
export async function acknowledgeAlert(
    services: Services,
    alertId: string,
    actor: string,
    now = new Date(),
): Promise<AlertRecord> {
    const table = await services.tables.get('alerts');
    const { alert, changed } = await updateAlert<{ alert: AlertRecord; changed: boolean }>(
        table,
        alertId,
        (current) => {
            if (!current)
                throw new ApiError(
                    404,
                    'alert_not_found',
                    `No alert has the id ${alertId}.`,
                    'List alerts with GET /api/manage/alerts?state=all.',
                );
            if (current.state !== 'open') return { done: { alert: current, changed: false } };
            const next: AlertRecord = {
                ...current,
                state: 'acknowledged',
                acknowledgedAt: now.toISOString(),
                acknowledgedBy: actor,
            };
            return { write: next, result: { alert: next, changed: true } };
        },
    ).catch((e: unknown) => {
        if (e instanceof ConcurrentUpdateError)
            throw new ApiError(409, 'alert_changed', 'The alert kept changing while being acknowledged.', 'Retry.');
        throw e;
    });
    if (changed)
        await recordAudit(
            await services.tables.get('audit'),
            { actor, action: 'alert.acknowledge', target: alertId, changed: ['state'] },
            now,
        );
    return alert;
}
