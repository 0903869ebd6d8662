import { purgeResolvedAlerts } from '../alerts/purgeAlerts';
import { retryAlertDeliveries } from '../alerts/retryDeliveries';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { retireDueCredentials } from './credentialService';
import { checkCredentialExpiry } from './expiryAlerts';

/**
 * What the daily timer does, with `now` injectable (tests move time). Retirement runs first, so a
 * credential retired today raises no expiry alert; each step runs even if an earlier one failed.
 */
export async function runDailyCredentialChecks(
    services: Services,
    now: Date,
    log?: Logger,
): Promise<{ retired: string[]; alertsRaised: number; deliveriesRetried: number; alertsPurged: number }> {
    const errors: string[] = [];
    const step = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
        try {
            return await run();
        } catch (e) {
            log?.error(`Daily credential check "${name}" failed`, { error: e });
            errors.push(name);
            return fallback;
        }
    };
    const retired = await step('retire', () => retireDueCredentials(services, now), [] as string[]);
    const expiry = await step('expiry', () => checkCredentialExpiry(services, now, log), {
        raised: [] as string[],
        current: [] as string[],
    });
    const deliveries = await step('deliveries', () => retryAlertDeliveries(services, { log }), {
        attempted: 0,
        delivered: 0,
    });
    const purged = await step('purge', () => purgeResolvedAlerts(services, now), 0);
    // Failing the invocation makes the host record it (and the admin see it) after every step had its chance.
    if (errors.length > 0) throw new Error(`Daily credential checks failed: ${errors.join(', ')}`);
    return {
        retired,
        alertsRaised: expiry.raised.length,
        deliveriesRetried: deliveries.attempted,
        alertsPurged: purged,
    };
}
