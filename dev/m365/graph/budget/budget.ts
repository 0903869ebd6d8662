import type { Clock } from '../../contract';

/**
 * SharePoint's resource-unit budget per application per tenant (m365-quirks entry 10). Source: "Avoid
 * getting throttled or blocked in SharePoint Online" (SharePoint/sp-dev-docs,
 * docs/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online.md):
 *
 * - "Every application has its own limits in a tenant ... Every request that an application makes across
 *   all API endpoints ... counts towards the application's usage"; multitenant apps are measured "on a
 *   per-tenant, per-application basis" (section "Application Throttling").
 * - Per app per tenant, 0 – 1,000 licenses: 1,250 resource units per minute and 1,200,000 per 24 hours
 *   (up to 6,250 / 6,000,000 for 50,000+ licenses).
 * - Beyond the limit: HTTP 429 (or 503) with `Retry-After`; "Throttled requests count towards usage
 *   limits, so failure to honor Retry-After may result in more throttling."
 * - `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers-03)
 *   are returned "when an application consumes 80% or more of its app 1-minute limit"; on the throttled
 *   request "the Retry-After matches the RateLimit-Reset". The daily limit is not presented in them.
 *
 * Windows are fixed: a minute (and a day) starts with the first request after the previous one ended.
 * What a throttled client spends past the limit is carried into the next window (up to one window's
 * limit), which is how ignoring Retry-After prolongs the throttling.
 */
export interface BudgetOptions {
    /** Off: no metering, no headers, no 429 (tests that hammer Graph on purpose may switch it off). */
    enabled: boolean;
    /** Resource units per app per tenant per minute. */
    perMinute: number;
    /** Resource units per app per tenant per 24 hours. */
    perDay: number;
    /** Fraction of the minute's limit from which the RateLimit headers are sent. */
    headersFrom: number;
}

/** A small tenant (0 – 1,000 licenses), the doc's first column: what the simulator does by default. */
export const SMALL_TENANT_BUDGET: BudgetOptions = {
    enabled: true,
    perMinute: 1_250,
    perDay: 1_200_000,
    headersFrom: 0.8,
};

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface Window {
    start: number;
    used: number;
}

interface Ledger {
    tenantId: string;
    appId: string;
    minute?: Window;
    day?: Window;
    charged: number;
    requests: number;
    throttled: number;
    /** Responses that carried the RateLimit headers. */
    warned: number;
}

export type Admission =
    | { allowed: true; headers: Record<string, string> }
    | { allowed: false; retryAfterSeconds: number; headers: Record<string, string> };

export interface BudgetUsage {
    tenantId: string;
    appId: string;
    requests: number;
    charged: number;
    throttled: number;
    warned: number;
    minute: { used: number; limit: number; resetSeconds: number };
    day: { used: number; limit: number; resetSeconds: number };
}

export class ResourceBudget {
    private readonly ledgers = new Map<string, Ledger>();
    private current: BudgetOptions;

    constructor(
        private readonly clock: Clock,
        options: Partial<BudgetOptions> = {},
    ) {
        this.current = { ...SMALL_TENANT_BUDGET, ...options };
        validate(this.current);
    }

    get options(): BudgetOptions {
        return { ...this.current };
    }

    configure(patch: Partial<BudgetOptions>): BudgetOptions {
        const next = { ...this.current, ...withoutUndefined(patch) };
        validate(next);
        this.current = next;
        return this.options;
    }

    /** Forgets what every app has spent (a fresh minute and day for everyone). */
    resetUsage(): void {
        this.ledgers.clear();
    }

    /** Charges one request of `cost` units to the app in the tenant, and says whether it may proceed. */
    charge(tenantId: string, appId: string, cost: number): Admission {
        if (!this.current.enabled) return { allowed: true, headers: {} };
        const now = this.clock.now();
        const ledger = this.ledger(tenantId, appId);
        const minute = roll(ledger.minute, now, MINUTE_MS, this.current.perMinute);
        const day = roll(ledger.day, now, DAY_MS, this.current.perDay);
        ledger.minute = minute;
        ledger.day = day;
        ledger.requests++;
        ledger.charged += cost;
        // Throttled requests count too (the doc's own words), so they are charged before the decision.
        const overMinute = minute.used + cost > this.current.perMinute;
        const overDay = day.used + cost > this.current.perDay;
        minute.used += cost;
        day.used += cost;
        const minuteReset = secondsUntil(minute.start + MINUTE_MS, now);
        if (overDay) {
            ledger.throttled++;
            // The daily limit is not one the RateLimit headers present.
            return { allowed: false, retryAfterSeconds: secondsUntil(day.start + DAY_MS, now), headers: {} };
        }
        if (overMinute) {
            ledger.throttled++;
            ledger.warned++;
            return {
                allowed: false,
                retryAfterSeconds: minuteReset,
                headers: rateLimitHeaders(this.current.perMinute, 0, minuteReset),
            };
        }
        if (minute.used < this.current.headersFrom * this.current.perMinute) return { allowed: true, headers: {} };
        ledger.warned++;
        return {
            allowed: true,
            headers: rateLimitHeaders(this.current.perMinute, this.current.perMinute - minute.used, minuteReset),
        };
    }

    usage(): BudgetUsage[] {
        const now = this.clock.now();
        return [...this.ledgers.values()].map((l) => {
            const minute = roll(l.minute, now, MINUTE_MS, this.current.perMinute);
            const day = roll(l.day, now, DAY_MS, this.current.perDay);
            return {
                tenantId: l.tenantId,
                appId: l.appId,
                requests: l.requests,
                charged: l.charged,
                throttled: l.throttled,
                warned: l.warned,
                minute: {
                    used: minute.used,
                    limit: this.current.perMinute,
                    resetSeconds: secondsUntil(minute.start + MINUTE_MS, now),
                },
                day: {
                    used: day.used,
                    limit: this.current.perDay,
                    resetSeconds: secondsUntil(day.start + DAY_MS, now),
                },
            };
        });
    }

    private ledger(tenantId: string, appId: string): Ledger {
        const key = `${tenantId}|${appId}`.toLowerCase();
        let ledger = this.ledgers.get(key);
        if (!ledger) {
            ledger = { tenantId, appId, charged: 0, requests: 0, throttled: 0, warned: 0 };
            this.ledgers.set(key, ledger);
        }
        return ledger;
    }
}

/** The window `now` falls in: the same one, or a new one carrying what was spent past the limit. */
function roll(window: Window | undefined, now: number, length: number, limit: number): Window {
    if (window && now < window.start + length) return window;
    const carried = window ? Math.min(Math.max(0, window.used - limit), limit) : 0;
    // A window that ended long ago leaves nothing behind: the debt is paid by the idle time.
    const stale = window && now >= window.start + 2 * length;
    return { start: now, used: stale ? 0 : carried };
}

function secondsUntil(at: number, now: number): number {
    return Math.max(1, Math.ceil((at - now) / 1000));
}

function rateLimitHeaders(limit: number, remaining: number, reset: number): Record<string, string> {
    return {
        'RateLimit-Limit': String(limit),
        'RateLimit-Remaining': String(Math.max(0, remaining)),
        'RateLimit-Reset': String(reset),
    };
}

function validate(o: BudgetOptions): void {
    if (typeof o.enabled !== 'boolean') throw new RangeError('budget.enabled must be true or false');
    for (const [name, value] of [
        ['perMinute', o.perMinute],
        ['perDay', o.perDay],
    ] as const) {
        if (!Number.isFinite(value) || value <= 0) throw new RangeError(`budget.${name} must be a positive number`);
    }
    if (!(o.headersFrom > 0 && o.headersFrom <= 1)) throw new RangeError('budget.headersFrom must be in (0, 1]');
}

function withoutUndefined<T extends object>(patch: Partial<T>): Partial<T> {
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
