import type { Services } from '../runtime/services';
import { LOOKUP_TTL_MS, lookupCache } from './lookupCache';
import type { SubscriptionRecord } from './subscriptionRecords';
import { getSubscription } from './subscriptionStore';

/** Concurrent lookups of one id share a single table read (a burst arrives all at once). */
export function lookupSubscription(
    services: Services,
    subscriptionId: string,
): Promise<SubscriptionRecord | undefined> {
    const hit = lookupCache.get(subscriptionId);
    if (hit && Date.now() - hit.at < LOOKUP_TTL_MS) return hit.record;
    const record = services.tables.get('subscriptions').then((t) => getSubscription(t, subscriptionId));
    if (lookupCache.size > 10_000) lookupCache.clear();
    lookupCache.set(subscriptionId, { record, at: Date.now() });
    // A failed read is not remembered: the next notification (or Graph's retry) reads again.
    record.catch(() => lookupCache.delete(subscriptionId));
    return record;
}
