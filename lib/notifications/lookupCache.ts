import type { SubscriptionRecord } from './subscriptionRecords';

/**
 * Per-instance cache of subscription rows for the webhook (a burst repeats the same few ids). Writes
 * in this instance drop their entry; other instances see a change within the TTL.
 *
 * Known and unknown ids are kept apart: the webhook is anonymous, so anyone can make it look up ids
 * that do not exist. Those land in a small cache of their own, which the oldest leave first, and can
 * never push a real subscription out.
 */
export const LOOKUP_TTL_MS = 60_000;
export const MAX_KNOWN = 10_000;
export const MAX_UNKNOWN = 1_000;

interface Entry<T> {
    value: T;
    at: number;
}

export const knownSubscriptions = new Map<string, Entry<SubscriptionRecord>>();
export const unknownSubscriptions = new Map<string, Entry<true>>();
/** Reads in flight: concurrent lookups of one id share a single table read. */
export const pendingLookups = new Map<string, Promise<SubscriptionRecord | undefined>>();

export function remember<T>(cache: Map<string, Entry<T>>, max: number, id: string, value: T, at: number): void {
    cache.delete(id);
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(id, { value, at });
}

export function forgetSubscriptionLookup(subscriptionId?: string): void {
    if (subscriptionId === undefined) {
        knownSubscriptions.clear();
        unknownSubscriptions.clear();
        pendingLookups.clear();
    } else {
        knownSubscriptions.delete(subscriptionId);
        unknownSubscriptions.delete(subscriptionId);
        pendingLookups.delete(subscriptionId);
    }
}
