import type { Exchange } from '../http/exchange';
import { GraphError } from '../http/errors';
import { seededRandom } from '../model/ids';
import type { SimState } from '../model/state';
import { ContentQuirks, type ContentQuirkRates } from './contentQuirks';
import type { DeltaQuirkOptions } from './deltaQuirks';

/**
 * Injected failures: throttling (429/503, with or without Retry-After, escalating when the client
 * comes back early), 5xx and dropped connections. Rules are consumed in order, so a test says
 * exactly which request fails; `chaos` adds seeded random failures that replay identically.
 */
export interface FaultRule {
    kind: 'throttle' | 'error' | 'drop';
    /** How many matching requests fail. */
    count: number;
    /** Let this many matching requests through first. */
    skip?: number;
    method?: string;
    /** Substring of the request path, e.g. `/delta`, `/content`, `uploadSession`, `download.aspx`. */
    path?: string;
    /** throttle: 429 (default) or 503; error: 500, 502, 503, 504 or 509. */
    status?: number;
    /** throttle only; null sends no Retry-After header. Default 120. */
    retryAfterSeconds?: number | null;
    /** drop: close before any response (default) or after sending part of a download body. */
    when?: 'beforeResponse' | 'midBody';
}

export interface ChaosOptions {
    seed: string;
    /** Probability per request of a 503/500/502/504. */
    errorRate: number;
    /** Probability per request of a 429 with Retry-After. */
    throttleRate: number;
    /** Probability per request of a dropped connection. */
    dropRate: number;
    /** Upload and content quirks seen in the field (contentQuirks.ts), rolled from this seed. */
    content?: ContentQuirkRates;
    /** Field-reported delta faults at seeded rates (deltaQuirks.ts). */
    delta?: Omit<DeltaQuirkOptions, 'seed'>;
}

interface TenantThrottle {
    until: number;
    lastRetryAfter: number;
    /** When the 429 that started this block was answered. */
    issuedAt: number;
}

/**
 * "Throttled requests count towards usage limits, so failure to honor Retry-After may result in more
 * throttling" ("Avoid getting throttled or blocked in SharePoint Online", SharePoint/sp-dev-docs). A
 * request that reaches the service within this long of the 429 was on the wire before its client could
 * read the Retry-After (a concurrent request of the same app): it is throttled for the time still to go,
 * as every request in the block is, but it is not a failure to honour the header and does not escalate.
 */
const IN_FLIGHT_GRACE_MS = 1000;

export type FaultOutcome = 'none' | 'handled' | 'dropMidBody';

export class Faults {
    private rules: FaultRule[] = [];
    private readonly throttles = new Map<string, TenantThrottle>();
    private chaos?: { options: ChaosOptions; random: () => number };
    readonly content: ContentQuirks;

    constructor(private readonly state: SimState) {
        this.content = new ContentQuirks(state);
    }

    add(rule: FaultRule): void {
        this.rules.push({ ...rule });
    }

    setChaos(options: ChaosOptions | undefined): void {
        this.chaos = options ? { options, random: seededRandom(options.seed) } : undefined;
        this.content.configure(options?.content, options?.seed ?? '');
        this.state.deltaQuirks.configure(options?.delta ? { ...options.delta, seed: options.seed } : undefined);
    }

    clear(): void {
        this.rules = [];
        this.throttles.clear();
        this.chaos = undefined;
        this.content.clear();
        this.state.deltaQuirks.configure(undefined);
    }

    pending(): FaultRule[] {
        return this.rules.map((r) => ({ ...r }));
    }

    /** Runs before the route. 'handled' means a response (or a reset) has already been sent. */
    intercept(ex: Exchange, tenantId: string | undefined): FaultOutcome {
        if (tenantId && this.rethrottle(ex, tenantId)) return 'handled';
        const rule = this.takeRule(ex);
        if (rule) return this.apply(ex, tenantId, rule);
        const chaos = this.applyChaos(ex, tenantId);
        if (chaos !== 'none') return chaos;
        return this.content.intercept(ex) ? 'handled' : 'none';
    }

    /** A request that arrives while its tenant is still throttled: counted and throttled harder. */
    private rethrottle(ex: Exchange, tenantId: string): boolean {
        const t = this.throttles.get(tenantId);
        if (!t) return false;
        if (this.state.now() >= t.until) {
            this.throttles.delete(tenantId);
            return false;
        }
        if (this.state.now() < t.issuedAt + IN_FLIGHT_GRACE_MS) {
            this.state.counters.throttled++;
            const remaining = Math.max(1, Math.ceil((t.until - this.state.now()) / 1000));
            ex.sendError(throttledError(429, { 'retry-after': String(remaining) }));
            return true;
        }
        this.state.counters.rethrottleViolations++;
        const retryAfter = Math.min(t.lastRetryAfter * 7 + 28, 3600);
        this.throttle(ex, tenantId, 429, retryAfter);
        return true;
    }

    private takeRule(ex: Exchange): FaultRule | undefined {
        for (const rule of this.rules) {
            if (rule.method && rule.method.toUpperCase() !== ex.method) continue;
            if (rule.path && !(ex.url.pathname + ex.url.search).includes(rule.path)) continue;
            if (rule.skip && rule.skip > 0) {
                rule.skip--;
                continue;
            }
            rule.count--;
            if (rule.count <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
            return rule;
        }
        return undefined;
    }

    private apply(ex: Exchange, tenantId: string | undefined, rule: FaultRule): FaultOutcome {
        if (rule.kind === 'throttle') {
            const retryAfter = rule.retryAfterSeconds === undefined ? 120 : rule.retryAfterSeconds;
            this.throttle(ex, tenantId, rule.status ?? 429, retryAfter);
            return 'handled';
        }
        if (rule.kind === 'error') {
            this.state.counters.injectedErrors++;
            ex.sendError(serverError(rule.status ?? 500));
            return 'handled';
        }
        this.state.counters.droppedConnections++;
        if (rule.when === 'midBody') return 'dropMidBody';
        ex.destroy();
        return 'handled';
    }

    private applyChaos(ex: Exchange, tenantId: string | undefined): FaultOutcome {
        if (!this.chaos) return 'none';
        const { options, random } = this.chaos;
        const roll = random();
        if (roll < options.throttleRate) return this.apply(ex, tenantId, { kind: 'throttle', count: 1 });
        if (roll < options.throttleRate + options.errorRate) {
            const statuses = [500, 502, 503, 504];
            return this.apply(ex, tenantId, {
                kind: 'error',
                count: 1,
                status: statuses[Math.floor(random() * statuses.length)],
            });
        }
        if (roll < options.throttleRate + options.errorRate + options.dropRate)
            return this.apply(ex, tenantId, { kind: 'drop', count: 1 });
        return 'none';
    }

    private throttle(ex: Exchange, tenantId: string | undefined, status: number, retryAfter: number | null): void {
        this.state.counters.throttled++;
        const headers: Record<string, string> = {};
        if (retryAfter !== null) {
            headers['retry-after'] = String(retryAfter);
            if (tenantId)
                this.throttles.set(tenantId, {
                    until: this.state.now() + retryAfter * 1000,
                    lastRetryAfter: retryAfter,
                    issuedAt: this.state.now(),
                });
        }
        ex.sendError(throttledError(status, headers));
    }
}

function throttledError(status: number, headers: Record<string, string>): GraphError {
    return status === 503
        ? new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.', 'throttledRequest', {
              headers,
          })
        : new GraphError(status, 'activityLimitReached', 'The request has been throttled', 'throttledRequest', {
              headers,
          });
}

function serverError(status: number): GraphError {
    switch (status) {
        case 502:
            return new GraphError(502, 'BadGateway', 'Bad Gateway');
        case 503:
            return new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.');
        case 504:
            return new GraphError(504, 'GatewayTimeout', 'Gateway Timeout');
        case 509:
            return new GraphError(509, 'bandwidthLimitExceeded', 'Bandwidth limit exceeded.');
        default:
            return new GraphError(status, 'generalException', 'An unspecified error has occurred.');
    }
}
