import type { Services } from '../runtime/services';
import { feedDrives, purgeBefore } from './changeLog';

/** The hourly maintenance timer: every drive's feed keeps CHANGE_FEED_RETENTION_DAYS of events. */
export async function purgeChangeFeeds(services: Services, now = new Date()): Promise<number> {
    const table = await services.tables.get('changes');
    const cutoff = new Date(now.getTime() - services.config.changeFeed.retentionDays * 86_400_000);
    let purged = 0;
    for await (const driveId of feedDrives(table)) purged += await purgeBefore(table, driveId, cutoff);
    return purged;
}
