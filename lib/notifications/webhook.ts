import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { clientStateMatches } from './clientState';
import { count } from './metrics';
import type { ChangeNotification } from './notificationBody';
import type { SubscriptionRecord } from './subscriptionRecords';
import { lookupSubscription } from './subscriptionLookup';
import { requestSync, SyncTarget } from './syncRequests';

export interface BatchOutcome {
    accepted: number;
    rejected: number;
    drives: number;
    enqueued: number;
}

/**
 * Handles one POST from Graph: every entry must name a subscription we created and carry its
 * clientState, or it is logged, counted and ignored. Accepted entries become one debounced sync per
 * drive (a batch may name several subscriptions, and the same one many times). Throws only if a
 * sync request could not be persisted, so the caller answers 5xx and Graph retries.
 */
export async function handleNotifications(
    services: Services,
    notifications: ChangeNotification[],
    log: Logger,
): Promise<BatchOutcome> {
    count('received', notifications.length);
    const targets = new Map<string, SyncTarget>();
    const lifecycle: { sub: SubscriptionRecord; event: string }[] = [];
    let rejected = 0;
    for (const n of notifications) {
        const sub = await verify(services, n, log);
        if (!sub) {
            rejected++;
            continue;
        }
        for (const driveId of sub.driveIds) targets.set(driveId, { integrationId: sub.integrationId, driveId });
        if (n.lifecycleEvent && !lifecycle.some((l) => l.sub.subscriptionId === sub.subscriptionId))
            lifecycle.push({ sub, event: n.lifecycleEvent });
    }
    count('accepted', notifications.length - rejected);
    const outcomes = await Promise.all([...targets.values()].map((t) => requestSync(services, t)));
    const enqueued = outcomes.filter((o) => o.outcome === 'enqueued').length;
    count('enqueued', enqueued);
    count('coalesced', outcomes.length - enqueued);
    if (lifecycle.length > 0) await handleLifecycle(services, lifecycle, log);
    return { accepted: notifications.length - rejected, rejected, drives: targets.size, enqueued };
}

async function verify(services: Services, n: ChangeNotification, log: Logger): Promise<SubscriptionRecord | undefined> {
    const sub = await lookupSubscription(services, n.subscriptionId);
    if (!sub) {
        count('unknownSubscription');
        log.warn('Ignored a notification for an unknown subscription', { subscriptionId: n.subscriptionId });
        return undefined;
    }
    if (!clientStateMatches(n.clientState, sub.clientStateHash)) {
        count('rejected');
        // The received clientState is never logged: it could be a probe for ours.
        log.warn('Rejected a notification whose clientState does not match', {
            subscriptionId: n.subscriptionId,
            hasClientState: n.clientState !== undefined,
        });
        return undefined;
    }
    return sub;
}

async function handleLifecycle(
    services: Services,
    events: { sub: SubscriptionRecord; event: string }[],
    log: Logger,
): Promise<void> {
    count('lifecycle', events.length);
    // Renewing needs MSAL and the Graph client: loaded only when a lifecycle event arrives.
    const { reauthorize } = await import('./lifecycle');
    await Promise.all(events.map((e) => reauthorize(services, e.sub, e.event, log)));
}
