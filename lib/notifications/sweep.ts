import { listDrives } from '../drives/driveRepository';
import { loadIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import type { SyncMessage } from '../sync/contracts';
import { mapLimited } from './concurrency';
import { dailySlot, inSlotHour } from './spread';
import { enqueueSync } from './syncQueue';

/** Above this many drives each hour's sweeps are also spread over the hour instead of landing at once. */
const SPREAD_ABOVE = 100;
export const SWEEP_WORK = 'sweep';

/**
 * The daily sweep, spread over the day: run every hour, it sends one `sweep` sync to each connected
 * drive whose daily slot is this hour (lib/notifications/spread.ts), so every drive is swept once a day
 * whatever the notifications said (drives get no `missed` lifecycle events: this is what catches a
 * notification Graph dropped), and a tenant of 10,000 drives sees about 420 sweeps an hour instead of
 * 10,000 at 03:30. Above SPREAD_ABOVE drives the hour's messages are also delayed to each drive's own
 * second of the hour.
 */
export async function sweepDrives(
    services: Services,
    now = Date.now(),
): Promise<{ enqueued: number; failed: number; connected: number }> {
    const integration = await loadIntegration(services);
    if (!integration) return { enqueued: 0, failed: 0, connected: 0 };
    const connected = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.status === 'connected',
    );
    const due = connected.filter((d) => inSlotHour(d.id, SWEEP_WORK, now));
    const requestedAt = new Date(now).toISOString();
    const spread = connected.length > SPREAD_ABOVE;
    const results = await mapLimited(due, 16, (d) => {
        const message: SyncMessage = {
            kind: 'sync',
            integrationId: integration.id,
            driveId: d.id,
            trigger: 'sweep',
            requestedAt,
        };
        return enqueueSync(services, message, spread ? dailySlot(d.id, SWEEP_WORK).second : 0);
    });
    const failed = results.filter((r) => r.status === 'rejected').length;
    return { enqueued: results.length - failed, failed, connected: connected.length };
}
