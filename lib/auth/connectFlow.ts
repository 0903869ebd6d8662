import type { AuthenticationResult } from '@azure/msal-node';
import { bindSignedInAccount } from '../drives/driveConnection';
import { requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import type { Logger } from '../logging/logger';
import { cacheKeyProvider, toAccountAuthError } from './accessToken';
import { createMsalClient, graphScopes } from './msalClient';
import { consumeState, exchangeTicketForState } from './oauthState';
import { oauthFailure, SignInFailure, stateFailure } from './signInErrors';
import { persistSignIn } from './tokenCache';

/** Where the browser goes next, and what happened. */
export type FlowOutcome =
    | { kind: 'redirect'; location: string }
    | { kind: 'page'; status: number; title: string; failure?: SignInFailure; detail?: string };

/** GET /oauth2/sharepoint/connect?ticket=…: a single-use ticket becomes a state + PKCE pair, then Entra. */
export async function startAuthorization(services: Services, ticket: string | null): Promise<FlowOutcome> {
    const table = await services.tables.get('oauthStates');
    const exchanged = await exchangeTicketForState(table, ticket);
    if (!exchanged.ok) return failurePage(stateFailure(exchanged.problem));
    const integration = await requireIntegration(services, exchanged.request.integrationId);
    const cca = await createMsalClient(services, integration);
    const location = await cca.getAuthCodeUrl({
        scopes: graphScopes(integration),
        redirectUri: integration.redirectUri,
        state: exchanged.state,
        nonce: exchanged.nonce,
        codeChallenge: exchanged.codeChallenge,
        codeChallengeMethod: 'S256',
        prompt: 'select_account',
    });
    return { kind: 'redirect', location };
}

/**
 * GET /oauth2/sharepoint/callback: consumes the state (once), redeems the code with the PKCE verifier,
 * stores the tokens in the account's own cache partition and binds the drive. Every failure ends in a
 * page or a redirect with a code; a drive is only touched after the account is fully stored.
 */
export async function completeAuthorization(
    services: Services,
    query: URLSearchParams,
    log?: Logger,
): Promise<FlowOutcome> {
    const consumed = await consumeState(await services.tables.get('oauthStates'), query.get('state'));
    if (!consumed.ok) return failurePage(stateFailure(consumed.problem));
    const request = consumed.record;
    const back = (failure: SignInFailure) =>
        request.returnUrl
            ? redirectWith(request.returnUrl, { result: 'error', code: failure.code, driveId: request.driveId })
            : failurePage(failure);

    const error = query.get('error');
    if (error) return back(oauthFailure(error, query.get('error_description')));
    const code = query.get('code');
    if (!code)
        return back({
            code: 'code_missing',
            message: 'The sign-in response had no authorization code.',
            hint: 'Start the connection again.',
        });

    const integration = await requireIntegration(services, request.integrationId);
    const cca = await createMsalClient(services, integration);
    let result: AuthenticationResult;
    try {
        // MSAL checks the id_token's nonce against ours (replayed or injected codes fail here).
        result = await cca.acquireTokenByCode({
            code,
            scopes: graphScopes(integration),
            redirectUri: integration.redirectUri,
            codeVerifier: request.codeVerifier,
            nonce: request.nonce,
        });
    } catch (e) {
        const failure = toAccountAuthError(e).failure;
        log?.warn('Code redemption failed', { code: failure.code, error: e });
        return back(failure);
    }
    if (!result.account) {
        return back({
            code: 'id_token_mismatch',
            message: 'The sign-in response did not match this sign-in.',
            hint: 'Start the connection again.',
        });
    }
    await persistSignIn({
        tableClient: await services.tables.get('tokenCache'),
        integrationId: integration.id,
        keyProvider: cacheKeyProvider(services),
        tokenCache: cca.getTokenCache(),
        homeAccountId: result.account.homeAccountId,
    });
    const bound = await bindSignedInAccount(services, integration, request, result);
    if (request.returnUrl)
        return redirectWith(request.returnUrl, {
            result: bound.ok ? 'connected' : 'error',
            driveId: request.driveId,
            status: bound.status,
            code: bound.ok ? undefined : bound.failure.code,
        });
    return bound.ok
        ? {
              kind: 'page',
              status: 200,
              title: 'Connected',
              detail: `The drive is ${bound.status.replace('_', ' ')}. You can close this window.`,
          }
        : failurePage(bound.failure);
}

function redirectWith(returnUrl: string, outcome: Record<string, string | undefined>): FlowOutcome {
    const url = new URL(returnUrl);
    for (const [k, v] of Object.entries(outcome)) if (v !== undefined) url.searchParams.set(k, v);
    return { kind: 'redirect', location: url.href };
}

function failurePage(failure: SignInFailure): FlowOutcome {
    return { kind: 'page', status: 400, title: 'Could not connect', failure };
}
