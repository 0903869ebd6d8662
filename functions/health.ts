import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Readiness } from '../lib/diagnostics/readiness';
import { http } from './definition';

/**
 * GET /api/health (anonymous): `{ status }` only, 200 or 503. Anyone may ask, so the answer names no
 * dependency and costs no backend call beyond one round of probes per 15 s per instance
 * (lib/diagnostics/readiness.ts).
 */
export async function healthHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const readiness = await currentReadiness();
    return {
        status: readiness.status === 'ok' ? 200 : 503,
        headers: { 'cache-control': 'no-store' },
        jsonBody: { status: readiness.status },
    };
}

/** GET /api/health/details (a key): the same round, with each dependency's status, latency and error. */
export async function healthDetailsHandler(
    _request: HttpRequest,
    _context: InvocationContext,
): Promise<HttpResponseInit> {
    const readiness = await currentReadiness();
    return {
        status: readiness.status === 'ok' ? 200 : 503,
        headers: { 'cache-control': 'no-store' },
        jsonBody: readiness,
    };
}

async function currentReadiness(): Promise<Readiness> {
    const [{ getServices }, { cachedReadiness }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/diagnostics/readiness'),
    ]);
    return cachedReadiness(getServices);
}

export const health = http('health', {
    route: 'api/health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: healthHandler,
});

export const healthDetails = http('healthDetails', {
    route: 'api/health/details',
    methods: ['GET'],
    authLevel: 'function',
    handler: healthDetailsHandler,
});
