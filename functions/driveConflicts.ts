import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/conflicts: the conflict inbox (latest conflict per path, newest first). */
export const driveConflictsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { conflictInbox }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
    ]);
    return { status: 200, jsonBody: await conflictInbox(await getServices(), request.params.driveId!) };
});

export const driveConflicts = http('driveConflicts', {
    route: 'api/drives/{driveId}/conflicts',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveConflictsHandler,
});
