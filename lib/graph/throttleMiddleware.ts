import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { countGraphRequest } from '../telemetry/graphRequests';
import { DEFAULT_RETRY_AFTER_SECONDS, isThrottle, parseRetryAfter, type ThrottleGate } from '../transfer/throttleGate';
import { emitSignal } from '../monitoring/signals';

/**
 * The tenant's throttle gate (transfer/throttleGate.ts) as a link of Microsoft's Graph client middleware
 * chain, so every request of every Graph client (sync engine, notifications, drive health, app-only
 * clients) passes it, each retry included:
 *
 * - before sending: wait out a block any instance recorded, then take a turn in the tenant's pace;
 * - after: read the RateLimit headers, and record a 429 (or a 503 with Retry-After) for every instance,
 *   then wait it out and send again ("Honoring the Retry-After HTTP header is the fastest way to handle
 *   being throttled", "Avoid getting throttled or blocked in SharePoint Online").
 *
 * A request that would have to wait longer than `maxWaitMs` is not sent: it is answered here with a 429
 * carrying the Retry-After still to go (header `x-throttle-gate: local`), which the caller handles like
 * Graph's own (a sync run ends retryable and comes back after it).
 */
export interface ThrottleMiddlewareOptions {
    gate: ThrottleGate;
    tenantId: string;
    /** Graph's own URL prefix (e.g. https://graph.microsoft.com/v1.0): only its answers speak for the budget. */
    graphBaseUrl: string;
    /** Longest wait (blocks and pace together) before a request gives up with a local 429. */
    maxWaitMs?: number;
    /** How many throttled answers one request may meet and still be sent again. */
    maxThrottles?: number;
}

export const DEFAULT_MAX_WAIT_MS = 150_000;
const DEFAULT_MAX_THROTTLES = 4;

export class ThrottleMiddleware implements Middleware {
    private next?: Middleware;

    constructor(private readonly options: ThrottleMiddlewareOptions) {}

    setNext(next: Middleware): void {
        this.next = next;
    }

    async execute(context: Context): Promise<void> {
        const { gate, tenantId } = this.options;
        const deadline = Date.now() + (this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
        const graphApi = urlOf(context.request).startsWith(this.options.graphBaseUrl);
        for (let throttles = 0; ;) {
            if (!(await gate.admit(tenantId, deadline))) {
                context.response = await localThrottle(gate, tenantId);
                return;
            }
            await this.next!.execute(context);
            const response = context.response!;
            countGraphRequest(urlOf(context.request), response.status);
            await gate.observe(tenantId, response.headers, graphApi);
            const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
            if (!isThrottle(response.status, retryAfter)) return;
            emitSignal(undefined, 'throttled', {
                tenantId,
                status: response.status,
                retryAfterSeconds: retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS,
                source: 'graph',
            });
            // Recorded before anything else may go out, so every waiter (here and elsewhere) sees it.
            await gate.block(tenantId, retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS);
            if (++throttles > (this.options.maxThrottles ?? DEFAULT_MAX_THROTTLES) || !replayable(context)) return;
            await response.body?.cancel().catch(() => undefined);
        }
    }
}

/** A 429 this side: the tenant is blocked (or paced) past the caller's patience. */
async function localThrottle(gate: ThrottleGate, tenantId: string): Promise<Response> {
    const seconds = Math.max(1, Math.ceil(((await gate.readyAt(tenantId)) - Date.now()) / 1000));
    const body = JSON.stringify({
        error: {
            code: 'activityLimitReached',
            message: `Not sent: Microsoft Graph throttled this tenant for this app, or its resource budget is nearly spent; retry after ${seconds} s.`,
        },
    });
    return new Response(body, {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(seconds), 'x-throttle-gate': 'local' },
    });
}

/** Only a body that can be sent twice (none, text or bytes) lets a throttled request go again. */
function replayable(context: Context): boolean {
    const body = context.options?.body as unknown;
    return (
        body === undefined ||
        body === null ||
        typeof body === 'string' ||
        body instanceof ArrayBuffer ||
        ArrayBuffer.isView(body) ||
        body instanceof URLSearchParams
    );
}

function urlOf(request: Context['request']): string {
    return typeof request === 'string' ? request : (request as Request).url;
}
