import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Hourly upkeep: checks every drive's health for real (a silent token and one Graph read each, so a
 * disabled account or a lost site permission shows up within the hour even on an idle drive) and
 * removes expired OAuth states and change-feed events past their retention.
 */
export async function maintenanceHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { sweepDriveHealth }, { purgeExpiredStates }, { createLogger }, { purgeChangeFeeds }] =
        await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/drives/healthSweep'),
            import('../lib/auth/oauthState'),
            import('../lib/logging/logger'),
            import('../lib/changes'),
        ]);
    const services = await getServices();
    const log = createLogger(context);
    const health = await sweepDriveHealth(services, log);
    const purged = await purgeExpiredStates(await services.tables.get('oauthStates'));
    const changesPurged = await purgeChangeFeeds(services);
    log.info('Maintenance done', { ...health, oauthStatesPurged: purged, changesPurged });
}

export const maintenance = timer('maintenance', { schedule: '0 17 * * * *', handler: maintenanceHandler });
