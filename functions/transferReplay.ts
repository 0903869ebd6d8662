import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** POST /api/drives/{driveId}/transfers/{transferId}/replay: re-enqueues a failed transfer (202). */
export const transferReplayHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { replayTransfer }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/transfer/replay'),
    ]);
    const body = await replayTransfer(await getServices(), request.params.driveId!, request.params.transferId!);
    return { status: 202, jsonBody: body };
});

export const transferReplay = http('transferReplay', {
    route: 'api/drives/{driveId}/transfers/{transferId}/replay',
    methods: ['POST'],
    authLevel: 'function',
    handler: transferReplayHandler,
});
