import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/runs?limit=&continuationToken=: run history, newest first. */
export const driveRunsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { runHistory }, { readQuery }, { runsQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const { limit, continuationToken } = readQuery(request, runsQuery);
    const page = await runHistory(await getServices(), request.params.driveId!, limit, continuationToken);
    return {
        status: 200,
        jsonBody: {
            value: page.runs,
            ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
    };
});

/** GET /api/drives/{driveId}/runs/{runId}?status=failed|skipped|conflict&q=<name>&limit=&offset=: one run with its per-item outcomes. */
export const driveRunHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { runDetail }, { readQuery }, { runQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const { status, q, limit, offset } = readQuery(request, runQuery);
    const detail = await runDetail(await getServices(), request.params.driveId!, request.params.runId!, {
        status,
        q: q || undefined,
        limit,
        offset,
    });
    return { status: 200, jsonBody: detail };
});

export const driveRuns = http('driveRuns', {
    route: 'api/drives/{driveId}/runs',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveRunsHandler,
});
export const driveRun = http('driveRun', {
    route: 'api/drives/{driveId}/runs/{runId}',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveRunHandler,
});
