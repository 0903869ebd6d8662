import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Hourly upkeep: removes expired OAuth states and change-feed events past their retention, and purges
 * removed drives' sync state within a time budget (lib/drives/purgeDrive.ts: a large drive takes
 * several hours, each continuing where the last stopped). (Drive health has its own timer,
 * driveHealth.ts, spread over the hour.)
 */
export async function maintenanceHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { purgeExpiredStates }, { createLogger }, { purgeChangeFeeds }, { purgeRemovedDrives }] =
        await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/auth/oauthState'),
            import('../lib/logging/logger'),
            import('../lib/changes'),
            import('../lib/drives/purgeDrive'),
        ]);
    const services = await getServices();
    const purged = await purgeExpiredStates(await services.tables.get('oauthStates'));
    const changesPurged = await purgeChangeFeeds(services);
    const drives = await purgeRemovedDrives(services);
    createLogger(context).info('Maintenance done', {
        oauthStatesPurged: purged,
        changesPurged,
        drivesPurged: drives.purged,
        driveRowsPurged: drives.rowsDeleted,
        drivePurgesLeft: drives.unfinished + drives.waiting,
    });
}

export const maintenance = timer('maintenance', { schedule: '0 17 * * * *', handler: maintenanceHandler });
