import type { HttpRequest } from '@azure/functions';
import { http } from './definition';
import { browserFlow } from './oauthPages';

/**
 * GET /oauth2/sharepoint/callback: Entra's redirect with a code (or an error) and the state; the
 * browser's binding cookie proves it is the browser that started the sign-in.
 */
export const oauthCallbackHandler = browserFlow(async (request: HttpRequest, log) => {
    const [{ getServices }, { completeAuthorization }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/auth/connectFlow'),
    ]);
    return completeAuthorization(await getServices(), request.query, request.headers.get('cookie'), log);
});

export const oauthCallback = http('oauthCallback', {
    route: 'oauth2/sharepoint/callback',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: oauthCallbackHandler,
});
