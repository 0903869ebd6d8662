import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { timer } from './definition';

/** Every minute: one sync message per drive whose interval has passed (no Graph call; O(drives)). */
export async function syncSchedulerHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { scheduleDueDrives }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
    ]);
    const result = await scheduleDueDrives(await getServices());
    if (result.enqueued.length > 0)
        createLogger(context).info('Scheduled syncs enqueued', {
            checked: result.checked,
            enqueued: result.enqueued.length,
        });
}

export const syncScheduler = timer('syncScheduler', { schedule: '0 * * * * *', handler: syncSchedulerHandler });
