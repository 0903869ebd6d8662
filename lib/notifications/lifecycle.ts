import { getDrive } from '../drives/driveRepository';
import { loadIntegration } from '../integration/integrationSettings';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { ensureSubscription } from './ensureSubscription';
import type { SubscriptionRecord } from './subscriptionRecords';

/** Graph wants an answer within 3 s; a renewal that takes longer finishes on its own or at the next renewal run. */
const LIFECYCLE_BUDGET_MS = 2_000;

/**
 * `reauthorizationRequired` (Graph sends it for drive subscriptions too, before the token that
 * authorized the subscription expires, and pauses notifications if nobody answers): renew the
 * subscription now with a current token of a connected drive it serves. Graph documents two answers,
 * `POST /subscriptions/{id}/reauthorize` or an update; the update "reauthorizes and renews at the same
 * time" (change-notifications-lifecycle-events.md), and recreates what Graph dropped (404).
 * `subscriptionRemoved` / `missed` (not sent for drives, handled anyway) take the same path. The caller
 * has already requested a sync, which fetches whatever a pause may have lost.
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
