import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Every 5 minutes: checks the health of the drives whose slot of the hour this is, for real (a silent
 * token and one Graph read each), so a disabled account or a lost site permission shows up within the
 * hour even on an idle drive, and a fleet's checks are spread over the hour (lib/drives/healthSlots.ts).
 */
export async function driveHealthHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { sweepDriveHealth }, { createLogger }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/healthSweep'),
        import('../lib/logging/logger'),
    ]);
    const result = await sweepDriveHealth(await getServices(), createLogger(context));
    if (result.due > 0) createLogger(context).info('Drive health checked', { ...result });
}

export const driveHealth = timer('driveHealth', { schedule: '0 */5 * * * *', handler: driveHealthHandler });
