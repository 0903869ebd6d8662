import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ApiError } from '../lib/http/apiError';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/runs?limit=&continuationToken=: run history, newest first. */
export const driveRunsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { runHistory }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
    ]);
    const limit = intParam(request, 'limit', 20, 1, 100);
    const page = await runHistory(
        await getServices(),
        request.params.driveId!,
        limit,
        request.query.get('continuationToken') ?? undefined,
    );
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
    const [{ getServices }, { runDetail }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
    ]);
    const q = request.query.get('q')?.slice(0, 400) || undefined;
    const detail = await runDetail(await getServices(), request.params.driveId!, request.params.runId!, {
        status: request.query.get('status') ?? undefined,
        q,
        limit: intParam(request, 'limit', 200, 1, 1000),
        offset: intParam(request, 'offset', 0, 0, 10_000_000),
    });
    return { status: 200, jsonBody: detail };
});

function intParam(request: HttpRequest, name: string, fallback: number, min: number, max: number): number {
    const raw = request.query.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
        throw new ApiError(
            400,
            'validation_failed',
            `${name} must be an integer from ${min} to ${max}.`,
            `Send ?${name}=${fallback}.`,
        );
    return n;
}

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
