import { z } from 'zod';
import type { RouteDescription } from '../routeDescription';

const page = {
    description: 'A page a person can read: the outcome, or what failed and what to do.',
    contentType: 'text/html',
};
const redirect = (description: string) => ({ description, headers: { location: 'Where the browser goes next.' } });

/** The OAuth flow: opened by a browser, never called by the platform's code. */
export const oauthRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/oauth2/sharepoint/connect',
        operationId: 'startConnect',
        summary: 'Start sign-in for a drive (state + PKCE) and redirect to Entra',
        description:
            'Sets an HttpOnly, SameSite=Lax cookie binding the sign-in to this browser (Secure, __Host- prefixed, on HTTPS); sends login_hint when the drive names its person (expectedUser).',
        tag: 'oauth',
        auth: 'anonymous',
        query: [
            {
                name: 'ticket',
                description: 'The single-use ticket from a connectUrl.',
                schema: z.string(),
                required: true,
            },
        ],
        responses: {
            302: redirect('To the Entra authorize endpoint.'),
            400: page,
            404: page,
            410: { ...page, description: 'The link was used or has expired: the platform makes a new one.' },
            500: page,
        },
        errors: [],
    },
    {
        method: 'GET',
        path: '/oauth2/sharepoint/callback',
        operationId: 'completeConnect',
        summary: "Entra's redirect: redeem the code, bind the drive, return to the platform",
        description:
            'Only the browser that opened the connect link can finish (else a page with code browser_mismatch); for a drive that names its person, someone else signing in gets a page with code account_mismatch. Either way nothing is stored.',
        tag: 'oauth',
        auth: 'anonymous',
        query: [
            { name: 'code', description: 'The authorization code.', schema: z.string() },
            { name: 'state', description: 'The state issued by connect.', schema: z.string() },
            { name: 'error', description: "Entra's error, when sign-in failed.", schema: z.string() },
            { name: 'error_description', description: "Entra's error text (AADSTS code).", schema: z.string() },
        ],
        responses: {
            302: redirect('To the return URL, with result, driveId, status (and code on failure).'),
            200: page,
            400: page,
            404: { ...page, description: 'The drive was removed while its owner signed in: nothing was stored.' },
            409: page,
            500: page,
        },
        errors: [],
    },
];
