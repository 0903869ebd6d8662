import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { timer } from './definition';

/** Daily at 03:30 UTC: one sync per connected drive, whatever the notifications said (drives get no `missed` events). */
export async function syncSweepHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { sweepDrives }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/notifications/sweep'),
    ]);
    const result = await sweepDrives(await getServices());
    createLogger(context).info('Daily sync sweep enqueued', result);
}

export const syncSweep = timer('syncSweep', { schedule: '0 30 3 * * *', handler: syncSweepHandler });
