import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * POST /api/drives/{driveId}/deletes/approve | /reject: settles the deletes the big-delete guard
 * held; 202 with the run that carries the decision out.
 */
function decide(decision: 'approved' | 'rejected') {
    return handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
        const [{ getServices }, { decideHeldDeletes }] = await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/sync/engine'),
        ]);
        return {
            status: 202,
            jsonBody: await decideHeldDeletes(await getServices(), request.params.driveId!, decision, actorOf(request)),
        };
    });
}

export const approveDeletesHandler = decide('approved');
export const rejectDeletesHandler = decide('rejected');

export const driveDeletesApprove = http('driveDeletesApprove', {
    route: 'api/drives/{driveId}/deletes/approve',
    methods: ['POST'],
    authLevel: 'function',
    handler: approveDeletesHandler,
});
export const driveDeletesReject = http('driveDeletesReject', {
    route: 'api/drives/{driveId}/deletes/reject',
    methods: ['POST'],
    authLevel: 'function',
    handler: rejectDeletesHandler,
});
