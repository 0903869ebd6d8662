import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/changes?cursor=&limit=: what the sync changed in the platform store, in order. */
export const driveChangesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { readChangeFeed }, { readQuery }, { changesQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/changes'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const { cursor, limit } = readQuery(request, changesQuery);
    const page = await readChangeFeed(await getServices(), request.params.driveId!, cursor, limit);
    return { status: 200, jsonBody: page };
});

export const driveChanges = http('driveChanges', {
    route: 'api/drives/{driveId}/changes',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveChangesHandler,
});
