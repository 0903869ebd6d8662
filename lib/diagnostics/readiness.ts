import type { Services } from '../runtime/services';

export type DependencyName = 'table' | 'queue' | 'blob' | 'keyVault';

export interface DependencyStatus {
    status: 'ok' | 'failed';
    latencyMs: number;
    /** Why it failed: an error code or status, never a URL with a signature or a secret. */
    error?: string;
}

export interface Readiness {
    status: 'ok' | 'degraded';
    dependencies: Record<DependencyName, DependencyStatus>;
    /** When these probes ran: answers within READINESS_TTL_MS reuse them. */
    checkedAt: string;
}

/**
 * How long one round of probes answers for. `/api/health` is anonymous: without a cache, anyone could
 * make every request cost four backend calls. 15 s is inside the 10–30 s a load balancer or uptime
 * probe tolerates and still shows an outage within one probe interval.
 */
export const READINESS_TTL_MS = 15_000;

let cached: { at: number; readiness: Promise<Readiness> } | undefined;

/**
 * The readiness of Table, Queue, Blob and Key Vault, probed at most once per READINESS_TTL_MS per
 * instance (concurrent requests share the round in flight), with the instance's long-lived clients.
 */
export function cachedReadiness(
    services: () => Promise<Services>,
    now = Date.now(),
    timeoutMs = 5_000,
): Promise<Readiness> {
    if (cached && now - cached.at < READINESS_TTL_MS) return cached.readiness;
    const readiness = services().then((s) => checkReadiness(s, timeoutMs));
    const entry = { at: now, readiness };
    cached = entry;
    // A round that threw (not one that found a dependency down) is not remembered.
    readiness.catch(() => {
        if (cached === entry) cached = undefined;
    });
    return readiness;
}

/** Tests that stop a dependency on purpose start from a fresh round. */
export function forgetReadinessForTests(): void {
    cached = undefined;
}

/** Probes each dependency with one cheap read, in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(services: Services, timeoutMs = 5_000): Promise<Readiness> {
    const { storage, secrets } = services;
    const probes: Record<DependencyName, () => Promise<unknown>> = {
        table: () => storage.tables.listTables().byPage({ maxPageSize: 1 }).next(),
        queue: () => storage.queue.listQueues().byPage({ maxPageSize: 1 }).next(),
        blob: () => storage.blob.listContainers().byPage({ maxPageSize: 1 }).next(),
        keyVault: () => secrets.listPropertiesOfSecrets().byPage({ maxPageSize: 1 }).next(),
    };
    const checkedAt = new Date().toISOString();
    const names = Object.keys(probes) as DependencyName[];
    const results = await Promise.all(names.map((n) => probe(probes[n], timeoutMs)));
    const dependencies = Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<
        DependencyName,
        DependencyStatus
    >;
    return { status: results.every((r) => r.status === 'ok') ? 'ok' : 'degraded', dependencies, checkedAt };
}

async function probe(run: () => Promise<unknown>, timeoutMs: number): Promise<DependencyStatus> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
        await Promise.race([
            run(),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
        ]);
        return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
    } catch (e) {
        return { status: 'failed', latencyMs: Math.round(performance.now() - started), error: describeError(e) };
    } finally {
        clearTimeout(timer);
    }
}

function describeError(e: unknown): string {
    const err = e as { code?: string; statusCode?: number; name?: string; message?: string };
    if (err.message === 'timeout') return 'timeout';
    return [err.name, err.code, err.statusCode].filter(Boolean).join(' ') || 'error';
}
