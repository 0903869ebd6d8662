import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { timer } from './definition';

/**
 * Hourly: renew (or create, or recreate) the subscriptions of the drives whose hour of the day this is,
 * and of every drive whose subscription is missing, failing or near its expiry (lib/notifications/renewal.ts).
 */
export async function subscriptionRenewalHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { renewSubscriptions }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/notifications/renewal'),
    ]);
    const report = await renewSubscriptions(await getServices());
    createLogger(context).info('Subscription renewal finished', { ...report });
}

export const subscriptionRenewal = timer('subscriptionRenewal', {
    schedule: '0 0 * * * *',
    handler: subscriptionRenewalHandler,
});
