import type { HttpRequest } from '@azure/functions';
import { http } from './definition';
import { browserFlow } from './oauthPages';

/** GET /oauth2/sharepoint/connect?ticket=…: opened by the browser; 302 to Entra's sign-in. */
export const oauthConnectHandler = browserFlow(async (request: HttpRequest) => {
    const [{ getServices }, { startAuthorization }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/auth/connectFlow'),
    ]);
    return startAuthorization(await getServices(), request.query.get('ticket'));
});

export const oauthConnect = http('oauthConnect', {
    route: 'oauth2/sharepoint/connect',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: oauthConnectHandler,
});
