import { countGraphRequest } from '../telemetry/graphRequests';
import type { Logger } from '../logging/logger';
import { backoffMs, sleep } from './backoff';
import { Deadline, Paused } from './budget';
import { DEFAULT_RETRY_AFTER_SECONDS, isThrottle, parseRetryAfter, type ThrottleGate } from './throttleGate';
import { emitSignal } from '../monitoring/signals';

/**
 * Every request a transfer makes (Graph, upload URL, download URL) goes through here: the tenant's
 * shared throttle gate first (the same gate as every Graph client's, graph/throttleMiddleware.ts: blocks
 * and the RateLimit pace), the User-Agent Microsoft asks for, Retry-After recorded for everyone, the
 * RateLimit headers read, and bounded retries with jitter for 5xx and dropped connections where the
 * caller allows them.
 */
export interface HttpDeps {
    tenantId: string;
    userAgent: string;
    gate: ThrottleGate;
    deadline: Deadline;
    log: Logger;
    /** Tests: called before each request (before the gate is consulted) and once its reply (or failure) is in. */
    beforeRequest?: (what: string) => void | Promise<void>;
    afterResponse?: (what: string) => void | Promise<void>;
}

export interface SendOptions {
    /** Retry 500/502/503/504/509 and network errors here (false: the caller resynchronises itself). */
    retryServerErrors: boolean;
    maxAttempts?: number;
    /** A label for logs and hooks; never the URL (pre-authenticated URLs are credentials). */
    what: string;
}

const SERVER_ERRORS = new Set([500, 502, 503, 504, 509]);
const MAX_THROTTLE_WAITS = 8;

export class NetworkError extends Error {
    constructor(
        readonly what: string,
        cause: unknown,
    ) {
        super(`${what}: connection failed (${(cause as Error)?.message ?? 'unknown'})`);
        this.name = 'NetworkError';
    }
}

export async function send(deps: HttpDeps, url: string, init: RequestInit, options: SendOptions): Promise<Response> {
    const maxAttempts = options.maxAttempts ?? 5;
    let failures = 0;
    let throttles = 0;
    for (;;) {
        await deps.beforeRequest?.(options.what);
        let response: Response;
        try {
            response = await gatedFetch(deps, url, init);
            countGraphRequest(url, response.status);
        } catch (e) {
            if (!(e instanceof Paused)) countGraphRequest(url, 0);
            await deps.afterResponse?.(options.what);
            if (e instanceof Paused || !options.retryServerErrors || ++failures >= maxAttempts)
                throw e instanceof Paused ? e : new NetworkError(options.what, e);
            deps.log.warn(`${options.what}: connection failed, retrying`, { attempt: failures });
            await sleep(backoffMs(failures));
            continue;
        }
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        const throttled = isThrottle(response.status, retryAfter);
        // Pre-authenticated URLs carry no RateLimit headers: only headers that are there change the pace.
        await deps.gate.observe(deps.tenantId, response.headers, false);
        // Recorded before anything else may go out, so every waiter sees the block.
        if (throttled) await deps.gate.block(deps.tenantId, retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS);
        await deps.afterResponse?.(options.what);
        if (throttled) {
            await discard(response);
            const seconds = retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS;
            emitSignal(deps.log, 'throttled', {
                tenantId: deps.tenantId,
                status: response.status,
                retryAfterSeconds: seconds,
                source: 'transfer',
            });
            deps.log.warn(`${options.what}: throttled by Graph`, {
                status: response.status,
                retryAfterSeconds: seconds,
                tenantId: deps.tenantId,
            });
            if (++throttles > MAX_THROTTLE_WAITS) return response;
            continue;
        }
        if (SERVER_ERRORS.has(response.status) && options.retryServerErrors && ++failures < maxAttempts) {
            await discard(response);
            deps.log.warn(`${options.what}: Graph answered ${response.status}, retrying`, { attempt: failures });
            await sleep(backoffMs(failures));
            continue;
        }
        return response;
    }
}

/** Waits for the tenant's gate (blocks and pace), then sends (the gate is consulted as late as possible). */
async function gatedFetch(deps: HttpDeps, url: string, init: RequestInit): Promise<Response> {
    if (!(await deps.gate.admit(deps.tenantId, deps.deadline.at))) {
        throw new Paused('throttled', await deps.gate.readyAt(deps.tenantId));
    }
    const headers = new Headers(init.headers);
    headers.set('User-Agent', deps.userAgent);
    return fetch(url, { ...init, headers });
}

export async function discard(response: Response): Promise<void> {
    try {
        await response.body?.cancel();
    } catch {
        /* already closed */
    }
}
