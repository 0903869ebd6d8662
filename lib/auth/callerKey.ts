import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

/**
 * Which key a request came with, for the audit trail. The host checks the key before the handler runs
 * and, for Node.js, passes no key identity to it (azure-functions-nodejs-library drops HTTP trigger
 * metadata; the key-id claim reaches .NET handlers only). So the service records what it can know
 * for certain: the route's level (an `admin` route ran, so the master key was sent) and a fingerprint
 * of the key that was sent (the first 16 hex digits of its SHA-256: it identifies the key without
 * revealing it). An operator matches it with `printf %s "$KEY" | sha256sum | cut -c1-16`.
 */
export interface CallerKey {
    /** `admin`: the management (master) key is the only key the host let through. */
    level: 'admin' | 'function';
    /** `sha256:<16 hex>` of the key as sent; absent if it did not reach the handler. */
    fingerprint?: string;
}

/**
 * One store per process, however many copies of this module load: the start-up bundle
 * (dev/tools/bundleEntry.ts) inlines it for functions/definition.ts, while lib/audit loads dist's own
 * copy lazily. A registered global symbol makes both copies share it.
 */
const STORE = Symbol.for('sharepoint-onedrive-sync.callerKey');
const current: AsyncLocalStorage<CallerKey> = ((globalThis as Record<symbol, unknown>)[STORE] ??=
    new AsyncLocalStorage<CallerKey>()) as AsyncLocalStorage<CallerKey>;

export function keyFingerprint(key: string): string {
    return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;
}

/** The key of a request as the host accepts it: `x-functions-key`, else `?code=`. */
export function callerKeyOf(
    request: { headers: { get(name: string): string | null }; url: string },
    level: CallerKey['level'],
): CallerKey {
    let sent = request.headers.get('x-functions-key') ?? undefined;
    if (!sent) {
        try {
            sent = new URL(request.url).searchParams.get('code') ?? undefined;
        } catch {
            sent = undefined;
        }
    }
    return sent ? { level, fingerprint: keyFingerprint(sent) } : { level };
}

export function runWithCallerKey<T>(key: CallerKey, run: () => T): T {
    return current.run(key, run);
}

/** The key of the request being handled, if any (timers and queue handlers have none). */
export function currentCallerKey(): CallerKey | undefined {
    return current.getStore();
}

/**
 * What the audit trail stores: "master key sha256:…" on a management (admin-level) route, where no
 * other key gets through; "key sha256:…" on a platform (function-level) route, where the fingerprint
 * tells the platform key from the master key.
 */
export function describeCallerKey(key: CallerKey | undefined): string {
    if (!key) return 'none';
    const name = key.level === 'admin' ? 'master key' : 'key';
    return key.fingerprint ? `${name} ${key.fingerprint}` : name;
}
