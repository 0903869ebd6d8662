import type { Services } from '../runtime/services';
import { deleteAlert, listAlertRecords } from './alertStore';

export const RESOLVED_RETENTION_DAYS = 90;

/**
 * Keeps the table small: resolved alerts older than the retention are deleted. Their dedup rows may
 * stay; a dedup row pointing at a missing alert counts as "nothing raised", so the condition can
 * raise again.
 */
export async function purgeResolvedAlerts(
    services: Services,
    now = new Date(),
    retentionDays = RESOLVED_RETENTION_DAYS,
): Promise<number> {
    const table = await services.tables.get('alerts');
    const cutoff = now.getTime() - retentionDays * 86_400_000;
    const old = (await listAlertRecords(table)).filter(
        (a) => a.state === 'resolved' && a.resolvedAt && Date.parse(a.resolvedAt) < cutoff,
    );
    for (const a of old) await deleteAlert(table, a.id);
    return old.length;
}
