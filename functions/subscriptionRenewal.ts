import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { timer } from './definition';

/** Every 6 hours: renew (or create, or recreate) each connected drive's subscription. */
export async function subscriptionRenewalHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { renewSubscriptions }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/notifications/renewal'),
    ]);
    const report = await renewSubscriptions(await getServices());
    createLogger(context).info('Subscription renewal finished', { ...report });
}

export const subscriptionRenewal = timer('subscriptionRenewal', {
    schedule: '0 0 */6 * * *',
    handler: subscriptionRenewalHandler,
});
