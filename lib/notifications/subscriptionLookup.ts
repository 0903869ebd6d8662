import type { Services } from '../runtime/services';
import {
    knownSubscriptions,
    LOOKUP_TTL_MS,
    MAX_KNOWN,
    MAX_UNKNOWN,
    pendingLookups,
    remember,
    unknownSubscriptions,
} from './lookupCache';
import type { SubscriptionRecord } from './subscriptionRecords';
import { getSubscription } from './subscriptionStore';

/** What the cache already says about an id, without any storage call (`miss`: it must be read). */
export function cachedSubscription(subscriptionId: string, now = Date.now()): SubscriptionRecord | 'unknown' | 'miss' {
    const known = knownSubscriptions.get(subscriptionId);
    if (known && now - known.at < LOOKUP_TTL_MS) return known.value;
    const unknown = unknownSubscriptions.get(subscriptionId);
    if (unknown && now - unknown.at < LOOKUP_TTL_MS) return 'unknown';
    return 'miss';
}

/** One table read per id at a time; the answer (found or not) is cached for LOOKUP_TTL_MS. */
export function lookupSubscription(
    services: Services,
    subscriptionId: string,
): Promise<SubscriptionRecord | undefined> {
    const cached = cachedSubscription(subscriptionId);
    if (cached === 'unknown') return Promise.resolve(undefined);
    if (cached !== 'miss') return Promise.resolve(cached);
    const pending = pendingLookups.get(subscriptionId);
    if (pending) return pending;
    const record = services.tables
        .get('subscriptions')
        .then((t) => getSubscription(t, subscriptionId))
        .then((found) => {
            if (found) remember(knownSubscriptions, MAX_KNOWN, subscriptionId, found, Date.now());
            else remember(unknownSubscriptions, MAX_UNKNOWN, subscriptionId, true as const, Date.now());
            return found;
        })
        // A failed read is not remembered: the next notification (or Graph's retry) reads again.
        .finally(() => pendingLookups.delete(subscriptionId));
    pendingLookups.set(subscriptionId, record);
    return record;
}
