import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';
import { flowResponse } from './oauthPages';

/** GET /oauth2/sharepoint/connect?ticket=…: opened by the browser; 302 to Entra's sign-in. */
export const oauthConnectHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { startAuthorization }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/auth/connectFlow'),
    ]);
    return flowResponse(await startAuthorization(await getServices(), request.query.get('ticket')));
});

export const oauthConnect = http('oauthConnect', {
    route: 'oauth2/sharepoint/connect',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: oauthConnectHandler,
});
