import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';
import { flowResponse } from './oauthPages';

/**
 * GET /oauth2/sharepoint/callback: Entra's redirect with a code (or an error) and the state; the
 * browser's binding cookie proves it is the browser that started the sign-in.
 */
export const oauthCallbackHandler = handle(async (request: HttpRequest, log): Promise<HttpResponseInit> => {
    const [{ getServices }, { completeAuthorization }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/auth/connectFlow'),
    ]);
    return flowResponse(
        await completeAuthorization(await getServices(), request.query, request.headers.get('cookie'), log),
    );
});

export const oauthCallback = http('oauthCallback', {
    route: 'oauth2/sharepoint/callback',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: oauthCallbackHandler,
});
