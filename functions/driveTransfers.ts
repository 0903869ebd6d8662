import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/transfers?state=&runId=&limit=&continuationToken=: transfers with their progress. */
export const driveTransfersHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { listTransfers }, { readQuery }, { transfersQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/transfer/transferList'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const query = readQuery(request, transfersQuery);
    return { status: 200, jsonBody: await listTransfers(await getServices(), request.params.driveId!, query) };
});

export const driveTransfers = http('driveTransfers', {
    route: 'api/drives/{driveId}/transfers',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveTransfersHandler,
});
