import type { SubscriptionRecord } from './subscriptionRecords';

/**
 * Per-instance cache of subscription rows for the webhook (a burst repeats the same few ids). Writes
 * in this instance drop their entry; other instances see a change within the TTL.
 */
export const LOOKUP_TTL_MS = 60_000;

export const lookupCache = new Map<string, { record: Promise<SubscriptionRecord | undefined>; at: number }>();

export function forgetSubscriptionLookup(subscriptionId?: string): void {
    if (subscriptionId === undefined) lookupCache.clear();
    else lookupCache.delete(subscriptionId);
}
