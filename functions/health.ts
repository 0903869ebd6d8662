import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { http } from './definition';

/** GET /api/health: liveness plus readiness of Table, Queue, Blob and Key Vault. 503 when any fails. */
export async function healthHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const [{ getConfig }, { checkReadiness }] = await Promise.all([
        import('../lib/config/config'),
        import('../lib/diagnostics/readiness'),
    ]);
    const readiness = await checkReadiness(getConfig());
    return { status: readiness.status === 'ok' ? 200 : 503, jsonBody: readiness };
}

export const health = http('health', {
    route: 'api/health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: healthHandler,
});
