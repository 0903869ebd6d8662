import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { timer } from './definition';

/**
 * Hourly at :30: the daily sweep of the drives whose hour of the day this is (lib/notifications/sweep.ts):
 * every connected drive is synced once a day whatever the notifications said (drives get no `missed` events).
 */
export async function syncSweepHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { sweepDrives }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/notifications/sweep'),
    ]);
    const result = await sweepDrives(await getServices());
    if (result.enqueued + result.failed > 0) createLogger(context).info('Daily sync sweep enqueued', result);
}

export const syncSweep = timer('syncSweep', { schedule: '0 30 * * * *', handler: syncSweepHandler });
