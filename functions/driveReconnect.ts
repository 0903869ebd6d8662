import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** POST /api/drives/{driveId}/reconnect: a new connect link; the drive keeps its sync state. */
export const driveReconnectHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { reconnectDrive }, { readJsonBody }, { reconnectInput }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/driveService'),
        import('../lib/http/requestBody'),
        import('../lib/drives/driveSchemas'),
    ]);
    const body =
        request.headers.get('content-length') === '0' || !request.headers.get('content-type')
            ? {}
            : await readJsonBody(request, reconnectInput);
    return {
        status: 200,
        jsonBody: await reconnectDrive(
            await getServices(),
            request.params.driveId!,
            (body as { returnUrl?: string }).returnUrl,
            (body as { expectedUser?: string }).expectedUser,
        ),
    };
});

export const driveReconnect = http('driveReconnect', {
    route: 'api/drives/{driveId}/reconnect',
    methods: ['POST'],
    authLevel: 'function',
    handler: driveReconnectHandler,
});
