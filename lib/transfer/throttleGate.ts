import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import type { Services } from '../runtime/services';
import { ConcurrentUpdateError, updateIfUnchanged } from '../storage/conditionalUpdate';
import { tableKey } from '../storage/tables';
import { recordMetric } from '../telemetry/telemetry';
import { jitterMs, sleep } from './backoff';

/**
 * One gate for every request this service sends to a tenant's Graph / SharePoint, whoever sends it:
 * the sync engine, notifications and app-only clients (as Graph client middleware, graph/throttleMiddleware.ts)
 * and transfers (transfer/http.ts).
 *
 * Two things pass through it, both per tenant:
 * - **Blocks.** SharePoint throttles each app per tenant, and "Throttled requests count towards usage
 *   limits, so failure to honor Retry-After may result in more throttling" ("Avoid getting throttled or
 *   blocked in SharePoint Online", SharePoint/sp-dev-docs). Every instance therefore shares one "blocked
 *   until" per tenant in Table Storage: whoever meets a 429/503 records it, everyone waits it out. The row
 *   is read before every request (a point read, a few ms; concurrent readers share one), so a block
 *   another instance recorded is honoured at once; a block this process records is known at once.
 * - **A budget.** From 80 % of the app's resource-unit minute SharePoint sends `RateLimit-Limit`,
 *   `RateLimit-Remaining` and `RateLimit-Reset` ("RateLimit headers - preview", same doc: "you can
 *   proactively reduce requests to avoid hitting the throttle"). The gate then spreads what remains over
 *   the seconds left, and when only a reserve remains it blocks the tenant until the minute refills (a
 *   block in the table, so every instance holds back). Requests get slower before Graph throttles: with
 *   many busy drives each drive's runs (and so its delta calls) are spaced further apart.
 */
interface GateRow {
    partitionKey: string;
    rowKey: string;
    blockedUntil: number;
    updatedAt: string;
}

const PARTITION = 'tenant';

/** Graph usually says 120 s, and sometimes says nothing (onedrive-api-docs#797). */
export const DEFAULT_RETRY_AFTER_SECONDS = 120;

/** "you can estimate the request rate using an average of 2 resource units per request" (same doc). */
const AVERAGE_REQUEST_UNITS = 2;

/** What the RateLimit headers said last, and the pacing that follows from it. */
interface Pace {
    /** Milliseconds between two requests of this process while the window lasts. */
    spacingMs: number;
    /** When the RateLimit window refills (pacing stops then). */
    until: number;
    nextSlotAt: number;
    remaining: number;
    limit: number;
}

/** A view of response headers (fetch's Headers, or anything with get). */
export interface HeaderSource {
    get(name: string): string | null;
}

export class ThrottleGate {
    private readonly cache = new Map<string, { blockedUntil: number; readAt: number }>();
    private readonly reading = new Map<string, Promise<number>>();
    private readonly paces = new Map<string, Pace>();

    /** `cacheMs`: how long a read is trusted (0: read for every request; other instances' blocks apply at once). */
    constructor(
        private readonly table: () => Promise<TableClient>,
        private readonly cacheMs = 0,
    ) {}

    /** Epoch ms until which the tenant is blocked (0 when it is not). */
    async blockedUntil(tenantId: string): Promise<number> {
        const cached = this.cache.get(tenantId);
        if (cached && (cached.blockedUntil > Date.now() || Date.now() - cached.readAt < this.cacheMs))
            return cached.blockedUntil;
        let pending = this.reading.get(tenantId);
        if (!pending) {
            pending = this.read(tenantId).then((row) => {
                const blockedUntil = Math.max(row?.blockedUntil ?? 0, this.cache.get(tenantId)?.blockedUntil ?? 0);
                this.cache.set(tenantId, { blockedUntil, readAt: Date.now() });
                return blockedUntil;
            });
            this.reading.set(tenantId, pending);
            pending.finally(() => this.reading.delete(tenantId)).catch(() => undefined);
        }
        return pending;
    }

    /**
     * Waits until the tenant may be called again. With a deadline, returns false instead of waiting
     * past it (the caller checkpoints and comes back later).
     */
    async wait(tenantId: string, deadline?: number): Promise<boolean> {
        for (;;) {
            const until = await this.blockedUntil(tenantId);
            const now = Date.now();
            if (until <= now) return true;
            if (deadline !== undefined && until > deadline) return false;
            const waitMs = until - now + jitterMs();
            recordMetric('graph.throttle.wait', waitMs, { reason: 'retry_after' });
            await sleep(waitMs);
            // Someone may have extended the block meanwhile: read again before going.
            this.cache.delete(tenantId);
        }
    }

    /**
     * What every request does before it goes: waits out a block, then takes its turn in the tenant's
     * pace. False (nothing waited for) when either would end after the deadline.
     */
    async admit(tenantId: string, deadline?: number): Promise<boolean> {
        if (!(await this.wait(tenantId, deadline))) return false;
        const slot = this.takeSlot(tenantId, deadline);
        if (slot === false) return false;
        if (slot > Date.now()) {
            recordMetric('graph.throttle.wait', slot - Date.now(), { reason: 'pace' });
            await sleep(slot - Date.now());
            // A block may have come in while this request waited for its turn.
            return this.wait(tenantId, deadline);
        }
        return true;
    }

    /** When the tenant may next be called: after any block and the next free slot of the pace. */
    async readyAt(tenantId: string): Promise<number> {
        const pace = this.currentPace(tenantId);
        return Math.max(await this.blockedUntil(tenantId), pace ? pace.nextSlotAt : 0, Date.now());
    }

    /**
     * Reads the RateLimit headers of a response from the tenant. Present: pace what remains over the
     * seconds left, or block until the reset when only the reserve remains. Absent from a Graph API
     * response (`absentMeansUnder`): the app is under 80 % of its minute again (SharePoint sends them from
     * 80 %), so requests go at full speed. Pre-authenticated upload and download URLs say nothing either way.
     */
    async observe(tenantId: string, headers: HeaderSource, absentMeansUnder = true): Promise<void> {
        const limit = positive(headers.get('ratelimit-limit'));
        const remaining = nonNegative(headers.get('ratelimit-remaining'));
        const reset = nonNegative(headers.get('ratelimit-reset'));
        if (limit === undefined || remaining === undefined || reset === undefined) {
            if (absentMeansUnder) this.paces.delete(tenantId);
            return;
        }
        const now = Date.now();
        const until = now + Math.max(1, reset) * 1000;
        const reserve = Math.max(2 * AVERAGE_REQUEST_UNITS, Math.ceil(limit * 0.05));
        if (remaining <= reserve) {
            this.paces.delete(tenantId);
            await this.block(tenantId, Math.max(1, reset));
            return;
        }
        const requestsLeft = Math.max(1, (remaining - reserve) / AVERAGE_REQUEST_UNITS);
        const spacingMs = (until - now) / requestsLeft;
        const previous = this.paces.get(tenantId);
        this.paces.set(tenantId, {
            spacingMs,
            until,
            remaining,
            limit,
            nextSlotAt: Math.max(now, previous && previous.until > now ? previous.nextSlotAt : now),
        });
    }

    /** What the gate knows of the tenant's budget: undefined while requests go at full speed. */
    pressure(tenantId: string): { remaining: number; limit: number; spacingMs: number } | undefined {
        const pace = this.currentPace(tenantId);
        return pace ? { remaining: pace.remaining, limit: pace.limit, spacingMs: pace.spacingMs } : undefined;
    }

    /** Records a block; never shortens one another instance recorded. */
    async block(tenantId: string, retryAfterSeconds: number): Promise<number> {
        const until = Date.now() + retryAfterSeconds * 1000;
        const cached = this.cache.get(tenantId);
        this.cache.set(tenantId, { blockedUntil: Math.max(until, cached?.blockedUntil ?? 0), readAt: Date.now() });
        const table = await this.table();
        const row = (tenantBlock: number): GateRow => ({
            partitionKey: PARTITION,
            rowKey: tableKey(tenantId),
            blockedUntil: tenantBlock,
            updatedAt: new Date().toISOString(),
        });
        return updateIfUnchanged<GateRow, number>({
            what: `The throttle gate of tenant ${tenantId}`,
            read: async () => {
                const found = await this.read(tenantId);
                return found && { value: found, etag: found.etag };
            },
            change: (current) =>
                current && current.blockedUntil >= until
                    ? { done: current.blockedUntil }
                    : { write: row(until), result: until },
            write: (next, etag) => (etag ? table.updateEntity(next, 'Replace', { etag }) : table.createEntity(next)),
        }).catch((e: unknown) => {
            // This process already holds the block in memory; other instances read it on their next try.
            if (e instanceof ConcurrentUpdateError) return until;
            throw e;
        });
    }

    private currentPace(tenantId: string): Pace | undefined {
        const pace = this.paces.get(tenantId);
        if (pace && pace.until <= Date.now()) {
            this.paces.delete(tenantId);
            return undefined;
        }
        return pace;
    }

    /** The time this request may go (now when there is no pace), or false when that is past the deadline. */
    private takeSlot(tenantId: string, deadline?: number): number | false {
        const pace = this.currentPace(tenantId);
        if (!pace) return Date.now();
        const slot = Math.max(Date.now(), pace.nextSlotAt);
        if (deadline !== undefined && slot > deadline) return false;
        pace.nextSlotAt = slot + pace.spacingMs;
        return slot;
    }

    private async read(tenantId: string): Promise<(GateRow & { etag: string }) | undefined> {
        const table = await this.table();
        try {
            return await table.getEntity<GateRow>(PARTITION, tableKey(tenantId));
        } catch (e) {
            if (restStatus(e) === 404) return undefined;
            throw e;
        }
    }
}

const gates = new WeakMap<Services, ThrottleGate>();

/** The process-wide gate of a set of services. */
export function throttleGate(services: Services): ThrottleGate {
    let gate = gates.get(services);
    if (!gate) gates.set(services, (gate = new ThrottleGate(() => services.tables.get('throttle'))));
    return gate;
}

/** Resolves once the tenant's shared Retry-After has passed (every Graph client does this per request now). */
export async function waitForThrottleGate(services: Services, tenantId: string): Promise<void> {
    await throttleGate(services).wait(tenantId);
}

/** Records a 429/503 met outside the Graph client (Retry-After seconds, 120 when Graph sent none). */
export async function recordThrottle(
    services: Services,
    tenantId: string,
    retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
): Promise<void> {
    await throttleGate(services).block(tenantId, retryAfterSeconds);
}

/** Retry-After as seconds (integer or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A 429, or a 503 that carries Retry-After: SharePoint's two ways of saying "throttled" (same doc). */
export function isThrottle(status: number, retryAfter: number | undefined): boolean {
    return status === 429 || (status === 503 && retryAfter !== undefined);
}

function positive(value: string | null): number | undefined {
    const n = nonNegative(value);
    return n !== undefined && n > 0 ? n : undefined;
}

function nonNegative(value: string | null): number | undefined {
    if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
    return Number(value);
}
