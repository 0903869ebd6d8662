import type { Cookie } from '@azure/functions';
import type { AuthenticationResult } from '@azure/msal-node';
import { bindSignedInAccount } from '../drives/driveConnection';
import { getDrive } from '../drives/driveRepository';
import { requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import type { Logger } from '../logging/logger';
import { cacheKeyProvider, toAccountAuthError } from './accessToken';
import { bindingCookie, bindingCookieName, cookiesAreSecure, expiredBindingCookie, readCookie } from './browserBinding';
import { accountMismatch, BROWSER_MISMATCH } from './connectionFailures';
import { isExpectedUser } from './expectedUser';
import { createMsalClient, graphScopes } from './msalClient';
import { consumeState, exchangeTicketForState, type AuthorizationState } from './oauthState';
import { oauthFailure, SignInFailure, stateFailure } from './signInErrors';
import { persistSignIn } from './tokenCache';
import { releaseAccountIfUnused } from './tokenCache/releaseAccount';

/** Where the browser goes next, and what happened; `cookies` are set (or cleared) on the way. */
export type FlowOutcome = (
    | { kind: 'redirect'; location: string }
    | { kind: 'page'; status: number; title: string; failure?: SignInFailure; detail?: string }
) & { cookies?: Cookie[] };

/**
 * GET /oauth2/sharepoint/connect?ticket=…: a single-use ticket becomes a state + PKCE pair bound to
 * this browser (a cookie), then Entra, with login_hint when the ticket names the person.
 */
export async function startAuthorization(services: Services, ticket: string | null): Promise<FlowOutcome> {
    const table = await services.tables.get('oauthStates');
    const exchanged = await exchangeTicketForState(table, ticket);
    // A link that was used or has expired is Gone (410): the platform must make a new one.
    if (!exchanged.ok) return failurePage(stateFailure(exchanged.problem), GONE.has(exchanged.problem) ? 410 : 400);
    const integration = await requireIntegration(services, exchanged.request.integrationId);
    const cca = await createMsalClient(services, integration);
    const loginHint = exchanged.request.loginHint;
    const location = await cca.getAuthCodeUrl({
        scopes: graphScopes(integration),
        redirectUri: integration.redirectUri,
        state: exchanged.state,
        nonce: exchanged.nonce,
        codeChallenge: exchanged.codeChallenge,
        codeChallengeMethod: 'S256',
        // With a hint Entra offers that account; without one, the person picks (never a silent SSO).
        ...(loginHint ? { loginHint } : { prompt: 'select_account' }),
    });
    return {
        kind: 'redirect',
        location,
        cookies: [bindingCookie(exchanged.state, exchanged.browserSecret, services.config.publicBaseUrl)],
    };
}

/**
 * GET /oauth2/sharepoint/callback: checks this browser started the sign-in, consumes the state (once),
 * redeems the code with the PKCE verifier, checks the signed-in person is the one the connection is
 * for, and only then stores the tokens in the account's own cache partition and binds the drive.
 * Every failure ends in a page or a redirect with a code; nothing is stored before both checks pass.
 */
export async function completeAuthorization(
    services: Services,
    query: URLSearchParams,
    cookieHeader: string | null | undefined,
    log?: Logger,
): Promise<FlowOutcome> {
    const state = query.get('state');
    const publicBaseUrl = services.config.publicBaseUrl;
    const clear = state ? [expiredBindingCookie(state, publicBaseUrl)] : [];
    const secret = state
        ? readCookie(cookieHeader, bindingCookieName(state, cookiesAreSecure(publicBaseUrl)))
        : undefined;
    const consumed = await consumeState(await services.tables.get('oauthStates'), state, secret);
    if (!consumed.ok) {
        // Not this browser's sign-in: a page here, never a redirect to the platform on its behalf.
        const failure = consumed.problem === 'browser_mismatch' ? BROWSER_MISMATCH : stateFailure(consumed.problem);
        if (consumed.problem === 'browser_mismatch') log?.warn('Sign-in callback from another browser refused');
        return { ...failurePage(failure), cookies: clear };
    }
    const outcome = await redeemAndBind(services, consumed.record, query, log);
    return { ...outcome, cookies: clear };
}

async function redeemAndBind(
    services: Services,
    request: AuthorizationState,
    query: URLSearchParams,
    log?: Logger,
): Promise<FlowOutcome> {
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
    if (!isExpectedUser(request.expectedUser, result.account)) {
        // The tokens stay in this CCA's memory and die with it: no row, no account, no drive change.
        log?.warn('Sign-in by another account than the connection is for; nothing stored', {
            driveId: request.driveId,
        });
        return failurePage(accountMismatch(result.account.username));
    }
    const homeAccountId = result.account.homeAccountId;
    const drivesTable = await services.tables.get('drives');
    const previous = request.driveId
        ? (await getDrive(drivesTable, integration.id, request.driveId))?.drive.account
        : undefined;
    await persistSignIn({
        tableClient: await services.tables.get('tokenCache'),
        integrationId: integration.id,
        keyProvider: cacheKeyProvider(services),
        tokenCache: cca.getTokenCache(),
        homeAccountId,
    });
    let bound: Awaited<ReturnType<typeof bindSignedInAccount>>;
    try {
        bound = await bindSignedInAccount(services, integration, request, result);
    } catch (e) {
        // The drive was not bound (removed meanwhile, changed concurrently, Graph failed): the tokens
        // just stored belong to no drive, unless another drive already uses this account.
        await releaseAccountIfUnused(services, integration.id, homeAccountId).catch(() => undefined);
        throw e;
    }
    // Reconnected with another account: the old one's tokens go once no drive uses them. A refused
    // binding leaves the new tokens unused (unless another drive has this account).
    if (previous && previous.homeAccountId !== homeAccountId)
        await releaseAccountIfUnused(services, integration.id, previous.homeAccountId);
    if (!bound.ok) await releaseAccountIfUnused(services, integration.id, homeAccountId);
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

const GONE = new Set<string>(['state_expired', 'state_replayed']);

function failurePage(failure: SignInFailure, status = 400): FlowOutcome {
    return { kind: 'page', status, title: 'Could not connect', failure };
}
