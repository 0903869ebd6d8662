import type { TableClient } from '@azure/data-tables';
import type { Services } from '../runtime/services';
import { tableKey } from '../storage/tables';
import { jitterMs, sleep } from './backoff';

/**
 * Graph throttles per app + tenant, and a request sent before Retry-After has passed makes it worse
 * (longer blocks). Every instance therefore shares one "blocked until" per tenant in Table Storage:
 * whoever meets a 429/503 records it, everyone (transfers and the sync engine) waits it out.
 * The row is read before every request (a point read, a few ms; concurrent readers share one), so a
 * block another instance recorded is honoured at once; a block this process records is known at once.
 */
interface GateRow {
    partitionKey: string;
    rowKey: string;
    blockedUntil: number;
    updatedAt: string;
}

const PARTITION = 'tenant';

export class ThrottleGate {
    private readonly cache = new Map<string, { blockedUntil: number; readAt: number }>();
    private readonly reading = new Map<string, Promise<number>>();

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
            await sleep(until - now + jitterMs());
            // Someone may have extended the block meanwhile: read again before going.
            this.cache.delete(tenantId);
        }
    }

    /** Records a block; never shortens one another instance recorded. */
    async block(tenantId: string, retryAfterSeconds: number): Promise<number> {
        const until = Date.now() + retryAfterSeconds * 1000;
        const cached = this.cache.get(tenantId);
        this.cache.set(tenantId, { blockedUntil: Math.max(until, cached?.blockedUntil ?? 0), readAt: Date.now() });
        const table = await this.table();
        for (let attempt = 0; attempt < 5; attempt++) {
            const row = await this.read(tenantId);
            if (row && row.blockedUntil >= until) return row.blockedUntil;
            const next: GateRow = {
                partitionKey: PARTITION,
                rowKey: tableKey(tenantId),
                blockedUntil: until,
                updatedAt: new Date().toISOString(),
            };
            try {
                if (row) await table.updateEntity(next, 'Replace', { etag: (row as GateRow & { etag: string }).etag });
                else await table.createEntity(next);
                return until;
            } catch (e) {
                const status = (e as { statusCode?: number }).statusCode;
                if (status !== 412 && status !== 409) throw e;
            }
        }
        return until;
    }

    private async read(tenantId: string): Promise<(GateRow & { etag: string }) | undefined> {
        const table = await this.table();
        try {
            return await table.getEntity<GateRow>(PARTITION, tableKey(tenantId));
        } catch (e) {
            if ((e as { statusCode?: number }).statusCode === 404) return undefined;
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

/** For the sync engine: resolves once the tenant's shared Retry-After has passed. */
export async function waitForThrottleGate(services: Services, tenantId: string): Promise<void> {
    await throttleGate(services).wait(tenantId);
}

/** For the sync engine: records a 429/503 it met (Retry-After seconds, 120 when Graph sent none). */
export async function recordThrottle(
    services: Services,
    tenantId: string,
    retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
): Promise<void> {
    await throttleGate(services).block(tenantId, retryAfterSeconds);
}

/** Graph usually says 120 s, and sometimes says nothing (onedrive-api-docs#797). */
export const DEFAULT_RETRY_AFTER_SECONDS = 120;

/** Retry-After as seconds (integer or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
