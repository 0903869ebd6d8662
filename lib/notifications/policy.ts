/**
 * The timings notifications live by. Graph caps driveItem subscriptions at 42,300 minutes; we ask for
 * less so a clock skew between us and Graph never turns a renewal into a 400, and renew on every
 * renewal run (a PATCH also proves the subscription still exists: drives get no `subscriptionRemoved`).
 */
export interface NotificationPolicy {
    /** Requested lifetime of a subscription, in minutes (Graph's maximum is 42,300). */
    lifetimeMinutes: number;
    /** Extra delay before a webhook sync message becomes visible (bursts are coalesced anyway: one waiting message per drive). */
    debounceSeconds: number;
    /** Minimum gap between the start of a drive's last run and its next webhook message (a floor on the rate). */
    minGapSeconds: number;
    /** A sent message no run has picked up after this long is presumed lost, so a new one may be sent. */
    pendingGraceSeconds: number;
    /** Renewal runs touch this many subscriptions at once (keeps a big tenant inside the function timeout). */
    renewalConcurrency: number;
}

export const GRAPH_MAX_LIFETIME_MINUTES = 42_300;

export const DEFAULT_POLICY: NotificationPolicy = {
    lifetimeMinutes: 41_760, // 29 days: 9 hours under Graph's limit
    // Change → file in seconds (bench:latency), while a busy drive has at most one message waiting and
    // one run going: runs themselves absorb every change made before they start.
    debounceSeconds: 0,
    // A floor on how often one drive's webhook syncs start: a drive under constant change gets at most
    // 6 runs a minute, each one delta call (1 resource unit with a token) plus the transfers its changes
    // need anyway. SharePoint meters the app per tenant: 1,250 resource units a minute for a tenant of up
    // to 1,000 licenses ("Avoid getting throttled or blocked in SharePoint Online"). At 2 s (30 delta
    // calls a minute per drive) 40 busy drives spent the whole minute on delta alone; at 10 s 200 busy
    // drives stay under it, with room for item reads and transfers. The latency it costs (a change that
    // comes within 10 s of the previous run's start waits for the rest of the gap) is small beside
    // Graph's own delivery latency for driveItem notifications (under a minute on average, up to 5).
    // Bursts are coalesced by the one-waiting-message rule, not by this gap; when the tenant's budget
    // runs low anyway, the throttle gate paces every request by SharePoint's RateLimit headers.
    minGapSeconds: 10,
    pendingGraceSeconds: 120,
    renewalConcurrency: 8,
};

export function expirationFrom(now: number, policy: NotificationPolicy = DEFAULT_POLICY): string {
    return new Date(now + Math.min(policy.lifetimeMinutes, GRAPH_MAX_LIFETIME_MINUTES) * 60_000).toISOString();
}
