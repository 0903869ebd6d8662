import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphDeps } from '../../contract';
import { GraphError } from '../http/errors';
import { Exchange } from '../http/exchange';
import type { ResourceBudget } from './budget';
import { resourceUnitCost } from './cost';

/**
 * Meters every authenticated `/v1.0` request against its app's budget in its tenant before Graph sees
 * it: from 80 % of the minute the response carries the RateLimit headers, past 100 % it is answered 429
 * with Retry-After (equal to RateLimit-Reset) whatever the route, for every caller of that app in the
 * tenant (budget.ts cites the source). Resolves true when it answered the request itself.
 *
 * Not metered: the pre-authenticated upload and download URLs (SharePoint REST calls whose cost the doc
 * does not fix; their tempauth tokens carry no app identity in the simulator), and requests without a
 * valid token (Graph answers 401 before anything is spent).
 */
export async function admitByBudget(
    budget: ResourceBudget,
    deps: GraphDeps,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
): Promise<boolean> {
    if (!(url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/'))) return false;
    if (!budget.options.enabled) return false;
    const auth = deps.authenticate(header(req, 'authorization'));
    if (!auth.ok) return false;
    const admission = budget.charge(
        auth.principal.tenantId,
        auth.principal.appId,
        resourceUnitCost(req.method ?? 'GET', url),
    );
    if (admission.allowed) {
        // Merged into whatever the route sends (writeHead keeps headers set before it).
        for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
        return false;
    }
    const ex = new Exchange(req, res, url, randomUUID(), deps);
    await ex.drain();
    ex.sendError(
        new GraphError(429, 'activityLimitReached', 'The request has been throttled', 'throttledRequest', {
            headers: { 'retry-after': String(admission.retryAfterSeconds), ...admission.headers },
        }),
    );
    return true;
}

function header(req: IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
}
