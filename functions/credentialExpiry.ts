import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Daily at 06:00 UTC: expiry alerts for every credential in use (30/14/7/1 days, expired), retirement
 * of credentials whose grace period ended, and a second chance for alert webhooks that failed.
 */
export async function credentialExpiryHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { runDailyCredentialChecks }, { createLogger }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/credentials/dailyChecks'),
        import('../lib/logging/logger'),
    ]);
    const log = createLogger(context);
    const result = await runDailyCredentialChecks(await getServices(), new Date(), log);
    log.info('Daily credential checks done', { ...result });
}

export const credentialExpiry = timer('credentialExpiry', {
    schedule: '0 0 6 * * *',
    handler: credentialExpiryHandler,
});
