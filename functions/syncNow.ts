import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** POST /api/drives/{driveId}/sync[?dryRun=true]: 202 with the run id (the same one while a run is queued or running). */
export const syncNowHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { requestSync }, { readQuery }, { syncNowQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const driveId = request.params.driveId!;
    const { dryRun } = readQuery(request, syncNowQuery);
    const result = await requestSync(await getServices(), driveId, { dryRun });
    return {
        status: 202,
        jsonBody: result,
        headers: { location: `/api/drives/${encodeURIComponent(driveId)}/runs/${result.runId}` },
    };
});

export const syncNow = http('syncNow', {
    route: 'api/drives/{driveId}/sync',
    methods: ['POST'],
    authLevel: 'function',
    handler: syncNowHandler,
});
