import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ApiError } from '../lib/http/apiError';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * POST /api/drives/{driveId}/deletes/approve | /reject: settles the deletes the big-delete guard
 * held; 202 with the run that carries the decision out.
 */
export const driveDeletesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const decision = { approve: 'approved', reject: 'rejected' } as const;
    const verb = request.params.decision as keyof typeof decision;
    if (!(verb in decision)) throw new ApiError(404, 'not_found', 'Use /deletes/approve or /deletes/reject.', 'POST /api/drives/{driveId}/deletes/approve applies the held deletes; /reject keeps the files.');
    const [{ getServices }, { decideHeldDeletes }] = await Promise.all([import('../lib/runtime/services'), import('../lib/sync/engine')]);
    return { status: 202, jsonBody: await decideHeldDeletes(await getServices(), request.params.driveId!, decision[verb], actorOf(request)) };
});

export const driveDeletes = http('driveDeletes', { route: 'api/drives/{driveId}/deletes/{decision}', methods: ['POST'], authLevel: 'function', handler: driveDeletesHandler });
