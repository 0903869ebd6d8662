import { getDrive } from '../drives/driveRepository';
import { loadIntegration } from '../integration/integrationSettings';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { ensureSubscription } from './ensureSubscription';
import type { SubscriptionRecord } from './subscriptionRecords';

/** Graph wants an answer within 3 s; a renewal that takes longer finishes on its own or at the next renewal run. */
const LIFECYCLE_BUDGET_MS = 2_000;

/**
 * `reauthorizationRequired`: renew the subscription now (PATCH, or recreate if Graph dropped it) with
 * a fresh token of a connected drive it serves. `subscriptionRemoved` / `missed` (never sent for
 * drives, handled anyway) take the same path; the caller has already requested a sync.
 */
export async function reauthorize(
    services: Services,
    sub: SubscriptionRecord,
    event: string,
    log: Logger,
): Promise<void> {
    const work = renew(services, sub).catch((e: unknown) =>
        log.warn('Lifecycle renewal failed; the renewal timer retries', {
            subscriptionId: sub.subscriptionId,
            event,
            error: e,
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, LIFECYCLE_BUDGET_MS)));
    await Promise.race([work, budget]).finally(() => clearTimeout(timer));
}

async function renew(services: Services, sub: SubscriptionRecord): Promise<void> {
    const integration = await loadIntegration(services, sub.integrationId);
    if (!integration) return;
    const table = await services.tables.get('drives');
    for (const driveId of sub.driveIds) {
        const found = await getDrive(table, sub.integrationId, driveId);
        if (found?.drive.status === 'connected') {
            await ensureSubscription(services, integration, found.drive);
            return;
        }
    }
}
