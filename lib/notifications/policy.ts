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
    // Caps a drive under constant change at 30 runs a minute (one delta call each, plus the transfers
    // its changes need anyway); bursts are coalesced by the one-waiting-message rule, not by this gap.
    // 5 s made a change arriving shortly after a finished run wait out the rest of it (3-4 s of the
    // 5.8 s p50 in bench:latency); throttling beyond this is the tenant-wide throttle gate's job.
    minGapSeconds: 2,
    pendingGraceSeconds: 120,
    renewalConcurrency: 8,
};

export function expirationFrom(now: number, policy: NotificationPolicy = DEFAULT_POLICY): string {
    return new Date(now + Math.min(policy.lifetimeMinutes, GRAPH_MAX_LIFETIME_MINUTES) * 60_000).toISOString();
}
