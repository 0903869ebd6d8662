import type { Config } from '../config/config';
import { createSecretClient } from '../secrets/secretClient';
import { createStorageClients } from '../storage/clients';

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
}

/** Probes each dependency with one cheap read, in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(config: Config, timeoutMs = 5_000): Promise<Readiness> {
    const storage = createStorageClients(config);
    const probes: Record<DependencyName, () => Promise<unknown>> = {
        table: async () => (await storage).tables.listTables().byPage({ maxPageSize: 1 }).next(),
        queue: async () => (await storage).queue.listQueues().byPage({ maxPageSize: 1 }).next(),
        blob: async () => (await storage).blob.listContainers().byPage({ maxPageSize: 1 }).next(),
        keyVault: async () =>
            (await createSecretClient(config)).listPropertiesOfSecrets().byPage({ maxPageSize: 1 }).next(),
    };
    const names = Object.keys(probes) as DependencyName[];
    const results = await Promise.all(names.map((n) => probe(probes[n], timeoutMs)));
    const dependencies = Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<
        DependencyName,
        DependencyStatus
    >;
    return { status: results.every((r) => r.status === 'ok') ? 'ok' : 'degraded', dependencies };
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
