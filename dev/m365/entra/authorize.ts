import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomGuid } from '../random';
import { readForm, redirect, sendHtml } from '../http';
import { renderAdminApprovalPage, renderErrorPage, renderFormPost, renderSignInPage } from './authorizePage';
import type { EntraContext } from './context';
import { Aadsts, entraTimestamp, type AadstsError } from './errors';
import { grantedScopes } from './grants/delegated';
import type { AppRegistration, Tenant, User } from './model';
import { missingScopes, parseScopes } from './scopes';
import type { TenantSegment } from './tenantResolution';

/** The OAuth parameters the authorize endpoint reads; anything else is carried along untouched. */
type AuthorizeParams = Record<string, string>;

type ResponseMode = 'query' | 'fragment' | 'form_post';

/** An authorize request whose client and redirect URI check out: errors from here on go back to the app. */
interface ValidRequest {
    tenant: Tenant;
    app: AppRegistration;
    redirectUri: string;
    responseMode: ResponseMode;
    params: AuthorizeParams;
}

type Validation =
    | { ok: true; request: ValidRequest }
    | { ok: false; page: AadstsError }
    | { ok: false; redirect: AadstsError; request: ValidRequest };

/** GET: validate, then show the sign-in page (or an error page, or an error redirect). */
export async function handleAuthorizeGet(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
    url: URL,
): Promise<void> {
    const params = Object.fromEntries(url.searchParams);
    const validation = validate(ctx, resolved, params);
    if (!validation.ok) return answerInvalid(ctx, req, res, validation);
    const { request } = validation;
    if (params.prompt === 'none') return sendError(ctx, req, res, request, Aadsts.loginRequired());
    sendHtml(res, 200, signInPage(ctx, request, url.pathname));
}

/** POST: the sign-in form came back: cancel, pick a user, consent, then redirect with a code. */
export async function handleAuthorizePost(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
    url: URL,
): Promise<void> {
    const { login, action, ...params } = await readForm(req);
    const validation = validate(ctx, resolved, params, login);
    if (!validation.ok) return answerInvalid(ctx, req, res, validation);
    const { request } = validation;
    // Cancel on the sign-in page, or "Return to the application without granting consent" on the admin
    // approval page: the app learns only that the user declined (AADSTS65004, access_denied, subcode cancel).
    if (action === 'cancel' || action === 'return_without_consent')
        return sendError(ctx, req, res, request, Aadsts.userDeclined(), { error_subcode: 'cancel' });
    if (!login) return sendHtml(res, 200, signInPage(ctx, request, url.pathname, 'Pick an account to continue.'));
    const user = ctx.tenants.findUser(request.tenant.id, login);
    if (!user) return sendErrorPage(ctx, req, res, Aadsts.userNotFound(login, request.tenant.displayName));
    if (!user.accountEnabled) return sendErrorPage(ctx, req, res, Aadsts.userDisabled());
    if (!consent(ctx, request, user)) return sendAdminApprovalPage(ctx, req, res, request, url.pathname);
    issueCode(ctx, res, request, user);
}

/** Invalid requests get Entra's error page, or an error redirect once the redirect URI is trusted. */
function answerInvalid(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    validation: Exclude<Validation, { ok: true }>,
): void {
    if ('redirect' in validation) sendError(ctx, req, res, validation.request, validation.redirect);
    else sendErrorPage(ctx, req, res, validation.page);
}

/**
 * Entra's order: tenant, client, redirect URI (all shown on its own page, because the redirect URI
 * cannot be trusted yet), then the rest (sent back to the app's redirect URI).
 */
function validate(ctx: EntraContext, resolved: TenantSegment, params: AuthorizeParams, login?: string): Validation {
    if (resolved.kind === 'unknown') return { ok: false, page: Aadsts.tenantNotFound(resolved.segment) };
    const clientId = params.client_id;
    if (!clientId) return { ok: false, page: Aadsts.missingParameter('client_id') };
    const found =
        resolved.kind === 'tenant'
            ? ctx.tenants.findApp(resolved.tenant.id, clientId)
            : ctx.tenants.findAppAnywhere(clientId);
    if (!found)
        return {
            ok: false,
            page: Aadsts.appNotFound(
                clientId,
                resolved.kind === 'tenant' ? resolved.tenant.displayName : resolved.segment,
            ),
        };
    if (resolved.kind === 'multi' && found.signInAudience !== 'AzureADMultipleOrgs')
        return { ok: false, page: Aadsts.notMultiTenant(found.appId, found.displayName) };
    const tenant = resolved.kind === 'tenant' ? resolved.tenant : signInTenant(ctx, found, login ?? params.login_hint);
    // On /common the app is the one the user's tenant holds (its service principal, after admin consent).
    const app = ctx.tenants.findApp(tenant.id, clientId);
    if (!app) return { ok: false, page: Aadsts.appNotFound(clientId, tenant.displayName) };
    const redirectUri = params.redirect_uri;
    if (!redirectUri) return { ok: false, page: Aadsts.missingParameter('redirect_uri') };
    if (!app.redirectUris.includes(redirectUri) && !app.publicClientRedirectUris.includes(redirectUri))
        return { ok: false, page: Aadsts.redirectMismatch(redirectUri, app.appId) };
    if (!params.scope) return { ok: false, page: Aadsts.missingParameter('scope') };
    const request: ValidRequest = {
        tenant,
        app,
        redirectUri,
        responseMode: responseModeOf(params),
        params,
    };
    const problem = laterProblem(params);
    return problem ? { ok: false, redirect: problem, request } : { ok: true, request };
}

/**
 * /common and /organizations are no tenant: Entra signs the user in and so learns their tenant
 * (https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant). Until the
 * user has named themselves (login, or login_hint), the page is the one of a tenant holding the app.
 */
function signInTenant(ctx: EntraContext, app: AppRegistration, login: string | undefined): Tenant {
    const user = login ? ctx.tenants.findUserAnywhere(login) : undefined;
    return ctx.tenants.getTenant(user?.tenantId ?? app.tenantId);
}

function laterProblem(params: AuthorizeParams): AadstsError | undefined {
    if (!params.response_type) return Aadsts.missingParameter('response_type');
    if (params.response_type !== 'code') return Aadsts.unsupportedResponseType(params.response_type);
    if (params.code_challenge && !['S256', 'plain', undefined].includes(params.code_challenge_method))
        return Aadsts.invalidCodeChallengeMethod();
    const unknown = parseScopes(params.scope).unknown;
    return unknown.length > 0 ? Aadsts.invalidScope(unknown[0]!) : undefined;
}

function responseModeOf(params: AuthorizeParams): ResponseMode {
    const mode = params.response_mode;
    return mode === 'fragment' || mode === 'form_post' ? mode : 'query';
}

/** Missing permissions are consented by the user when the tenant allows it; otherwise admin consent is required. */
function consent(ctx: EntraContext, request: ValidRequest, user: User): boolean {
    const missing = missingScopes(parseScopes(request.params.scope).graph, grantedScopes(request.app, user.id));
    if (missing.length === 0) return true;
    if (!request.tenant.userConsentAllowed) return false;
    ctx.tenants.recordUserConsent(request.app, user.id, missing);
    return true;
}

function issueCode(ctx: EntraContext, res: ServerResponse, request: ValidRequest, user: User): void {
    const { params } = request;
    const code = ctx.grants.issueCode({
        tenantId: request.tenant.id,
        clientId: request.app.appId,
        userId: user.id,
        redirectUri: request.redirectUri,
        scope: params.scope!,
        nonce: params.nonce,
        codeChallenge: params.code_challenge || undefined,
        codeChallengeMethod: params.code_challenge
            ? params.code_challenge_method === 'plain'
                ? 'plain'
                : 'S256'
            : undefined,
        issuedAt: ctx.clock.now(),
    });
    const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: request.tenant.id })).toString('base64url');
    deliver(res, request, {
        code: code.code,
        ...(params.client_info === '1' ? { client_info: clientInfo } : {}),
        ...(params.state !== undefined ? { state: params.state } : {}),
        session_state: randomGuid(),
    });
}

function sendError(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    request: ValidRequest,
    error: AadstsError,
    extra: Record<string, string> = {},
): void {
    const { traceId, correlationId, timestamp } = errorDetails(ctx, req);
    deliver(res, request, {
        error: error.error,
        ...extra,
        error_description: `${error.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_uri: `${ctx.authorityHost}/error?code=${error.code}`,
        ...(request.params.state !== undefined ? { state: request.params.state } : {}),
    });
}

/**
 * Missing consent that the user may not give: Entra shows its "Need admin approval" page (AADSTS90094)
 * and redirects nowhere; the sign-in stops there unless the user backs out (m365-quirks entry 12).
 */
function sendAdminApprovalPage(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    request: ValidRequest,
    action: string,
): void {
    sendHtml(
        res,
        200,
        renderAdminApprovalPage({
            action,
            app: request.app,
            error: Aadsts.adminConsentRequired(),
            params: request.params,
            details: errorDetails(ctx, req),
        }),
    );
}

function sendErrorPage(ctx: EntraContext, req: IncomingMessage, res: ServerResponse, error: AadstsError): void {
    sendHtml(res, error.status, renderErrorPage(error, errorDetails(ctx, req)));
}

function errorDetails(
    ctx: EntraContext,
    req: IncomingMessage,
): { traceId: string; correlationId: string; timestamp: string } {
    const header = req.headers['client-request-id'];
    const correlationId = (Array.isArray(header) ? header[0] : header) ?? randomGuid();
    return { traceId: randomGuid(), correlationId, timestamp: entraTimestamp(ctx.clock.now()) };
}

/** Sends the result to the app's redirect URI in the requested response mode. */
function deliver(res: ServerResponse, request: ValidRequest, fields: Record<string, string>): void {
    if (request.responseMode === 'form_post') return sendHtml(res, 200, renderFormPost(request.redirectUri, fields));
    const target = new URL(request.redirectUri);
    const encoded = new URLSearchParams(fields).toString();
    if (request.responseMode === 'fragment') target.hash = encoded;
    else for (const [k, v] of Object.entries(fields)) target.searchParams.append(k, v);
    redirect(res, target.toString());
}

function signInPage(ctx: EntraContext, request: ValidRequest, action: string, message?: string): string {
    const parsed = parseScopes(request.params.scope);
    return renderSignInPage({
        action,
        tenant: request.tenant,
        app: request.app,
        users: ctx.tenants.listUsers(request.tenant.id).filter((u) => u.accountEnabled),
        requestedPermissions: [...parsed.graph, ...parsed.oidc],
        params: request.params,
        message,
    });
}
