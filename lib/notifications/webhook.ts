import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { clientStateMatches } from './clientState';
import { mapLimited } from './concurrency';
import { count } from './metrics';
import type { ChangeNotification } from './notificationBody';
import type { SubscriptionRecord } from './subscriptionRecords';
import { cachedSubscription, lookupSubscription } from './subscriptionLookup';
import { requestSync, SyncTarget } from './syncRequests';

export interface BatchOutcome {
    accepted: number;
    rejected: number;
    drives: number;
    enqueued: number;
    /** Distinct subscription ids in the batch that are not ours. */
    unknown: number;
    /** Entries not checked because the batch had already named too many unknown subscriptions. */
    unverified: number;
}

/** Table reads in flight for one batch. */
export const LOOKUP_CONCURRENCY = 4;
/**
 * Unknown subscription ids one batch may cost a table read. Graph only names subscriptions we
 * created; a few unknown ones are normal (a drive removed a moment ago), many are a forgery.
 */
export const UNKNOWN_BUDGET = 3;

/**
 * Handles one POST from Graph: every entry must name a subscription we created and carry its
 * clientState, or it is counted and ignored. Each distinct subscription id is looked up once (cached
 * answers first, then at most LOOKUP_CONCURRENCY table reads at a time), and the lookups stop once
 * UNKNOWN_BUDGET ids turned out not to be ours: an anonymous caller cannot make one request cost
 * more than a handful of storage calls (the entries left unchecked are rejected, and if one was a real
 * change its drive still syncs on the schedule and the daily sweep). The batch gets one log line, never one per entry. Accepted
 * entries become one debounced sync per drive. Throws only if a sync request could not be
 * persisted, so the caller answers 5xx and Graph retries.
 */
export async function handleNotifications(
    services: Services,
    notifications: ChangeNotification[],
    log: Logger,
): Promise<BatchOutcome> {
    count('received', notifications.length);
    const subscriptions = await resolveSubscriptions(services, notifications);
    const targets = new Map<string, SyncTarget>();
    const lifecycle: { sub: SubscriptionRecord; event: string }[] = [];
    let rejected = 0;
    let forged = 0;
    let unverified = 0;
    for (const n of notifications) {
        const sub = subscriptions.get(n.subscriptionId);
        if (sub === 'unverified') unverified++;
        if (!sub || sub === 'unverified') {
            rejected++;
            continue;
        }
        if (!clientStateMatches(n.clientState, sub.clientStateHash)) {
            rejected++;
            forged++;
            continue;
        }
        for (const driveId of sub.driveIds) targets.set(driveId, { integrationId: sub.integrationId, driveId });
        if (n.lifecycleEvent && !lifecycle.some((l) => l.sub.subscriptionId === sub.subscriptionId))
            lifecycle.push({ sub, event: n.lifecycleEvent });
    }
    const unknown = [...subscriptions.values()].filter((s) => s === undefined).length;
    count('unknownSubscription', unknown);
    count('rejected', forged + unverified);
    count('accepted', notifications.length - rejected);
    if (rejected > 0) {
        // One line per batch. The received clientStates are never logged: they could be a probe for ours.
        log.warn('Ignored notification entries that are not ours', {
            entries: notifications.length,
            rejected,
            unknownSubscriptions: unknown,
            wrongClientState: forged,
            unverified,
        });
    }
    const outcomes = await Promise.all([...targets.values()].map((t) => requestSync(services, t)));
    const enqueued = outcomes.filter((o) => o.outcome === 'enqueued').length;
    count('enqueued', enqueued);
    count('coalesced', outcomes.length - enqueued);
    if (lifecycle.length > 0) await handleLifecycle(services, lifecycle, log);
    return {
        accepted: notifications.length - rejected,
        rejected,
        drives: targets.size,
        enqueued,
        unknown,
        unverified,
    };
}

/**
 * Each distinct id of the batch: its record, `undefined` (not ours) or `unverified` (never looked
 * up: the unknown budget ran out first).
 */
async function resolveSubscriptions(
    services: Services,
    notifications: ChangeNotification[],
): Promise<Map<string, SubscriptionRecord | undefined | 'unverified'>> {
    const resolved = new Map<string, SubscriptionRecord | undefined | 'unverified'>();
    const misses = new Set<string>();
    for (const { subscriptionId } of notifications) {
        if (resolved.has(subscriptionId) || misses.has(subscriptionId)) continue;
        const cached = cachedSubscription(subscriptionId);
        if (cached === 'miss') misses.add(subscriptionId);
        else resolved.set(subscriptionId, cached === 'unknown' ? undefined : cached);
    }
    let unknownBudget = UNKNOWN_BUDGET - [...resolved.values()].filter((s) => s === undefined).length;
    // Reads already in flight when the budget runs out still finish: at most
    // UNKNOWN_BUDGET + LOOKUP_CONCURRENCY - 1 reads of ids that are not ours.
    await mapLimited([...misses], LOOKUP_CONCURRENCY, async (id) => {
        if (unknownBudget <= 0) {
            resolved.set(id, 'unverified');
            return;
        }
        const record = await lookupSubscription(services, id);
        if (!record) unknownBudget--;
        resolved.set(id, record);
    }).then((results) => {
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
    });
    return resolved;
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
