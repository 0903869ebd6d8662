import { listDrives } from '../drives/driveRepository';
import { loadIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import type { SyncMessage } from '../sync/contracts';
import { mapLimited } from './concurrency';
import { enqueueSync } from './syncQueue';

/** Above this many drives the sweep's messages are spread over SPREAD_SECONDS instead of landing at once. */
const SPREAD_ABOVE = 100;
const SPREAD_SECONDS = 15 * 60;

/**
 * The daily sweep: one `sweep` sync per connected drive, whatever the notifications said. Drives get
 * no `missed` lifecycle events, so this is what catches a notification Graph dropped.
 */
export async function sweepDrives(services: Services): Promise<{ enqueued: number; failed: number }> {
    const integration = await loadIntegration(services);
    if (!integration) return { enqueued: 0, failed: 0 };
    const drives = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.status === 'connected',
    );
    const requestedAt = new Date().toISOString();
    const spread = drives.length > SPREAD_ABOVE;
    const results = await mapLimited(drives, 16, (d) => {
        const message: SyncMessage = {
            kind: 'sync',
            integrationId: integration.id,
            driveId: d.id,
            trigger: 'sweep',
            requestedAt,
        };
        return enqueueSync(services, message, spread ? delayFor(d.id) : 0);
    });
    const failed = results.filter((r) => r.status === 'rejected').length;
    return { enqueued: results.length - failed, failed };
}

/** A stable per-drive offset, so the same drive sweeps at about the same time each day. */
function delayFor(driveId: string): number {
    let h = 0;
    for (const c of driveId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h % SPREAD_SECONDS;
}
