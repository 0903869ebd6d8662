/**
 * The timings notifications live by. Graph caps driveItem subscriptions at 42,300 minutes; we ask for
 * less so a clock skew between us and Graph never turns a renewal into a 400, and renew on every
 * renewal run (a PATCH also proves the subscription still exists: drives get no `subscriptionRemoved`).
 */
export interface NotificationPolicy {
    /** Requested lifetime of a subscription, in minutes (Graph's maximum is 42,300). */
    lifetimeMinutes: number;
    /** A webhook sync message becomes visible this long after the first notification (coalesces a burst). */
    debounceSeconds: number;
    /** Minimum gap between two webhook-triggered sync messages of one drive (bounds a busy drive's rate). */
    minGapSeconds: number;
    /** Renewal runs touch this many subscriptions at once (keeps a big tenant inside the function timeout). */
    renewalConcurrency: number;
}

export const GRAPH_MAX_LIFETIME_MINUTES = 42_300;

export const DEFAULT_POLICY: NotificationPolicy = {
    lifetimeMinutes: 41_760, // 29 days: 9 hours under Graph's limit
    debounceSeconds: 5,
    minGapSeconds: 60,
    renewalConcurrency: 8,
};

export function expirationFrom(now: number, policy: NotificationPolicy = DEFAULT_POLICY): string {
    return new Date(now + Math.min(policy.lifetimeMinutes, GRAPH_MAX_LIFETIME_MINUTES) * 60_000).toISOString();
}
