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
    // A floor on how often one drive's webhook syncs start, chosen with SharePoint's resource-unit budget
    // in mind: 1,250 units a minute per app for a tenant of up to 1,000 licenses ("Avoid getting
    // throttled or blocked in SharePoint Online"), a delta call with a token costing 1. At 2 s a drive
    // under constant change made 30 delta calls a minute, so 40 such drives spent the whole minute on
    // delta alone; at 5 s it is 12 a minute (about 1 % of that budget), so 100 busy drives stay under it
    // with room for item reads and transfers. Past that the throttle gate paces every request by the
    // RateLimit headers, which spaces each busy drive's runs (and so its delta calls) further apart.
    // The latency it costs: a change that comes within 5 s of the previous run's start waits for the
    // rest of the gap (bench:latency's idealised figure shows it; Graph's own notification latency,
    // under a minute on average, dominates the production-like one). Bursts are coalesced by the
    // one-waiting-message rule, not by this gap.
    minGapSeconds: 5,
    pendingGraceSeconds: 120,
    renewalConcurrency: 8,
};

export function expirationFrom(now: number, policy: NotificationPolicy = DEFAULT_POLICY): string {
    return new Date(now + Math.min(policy.lifetimeMinutes, GRAPH_MAX_LIFETIME_MINUTES) * 60_000).toISOString();
}
