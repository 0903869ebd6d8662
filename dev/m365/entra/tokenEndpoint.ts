import type { IncomingMessage, ServerResponse } from 'node:http';
import { readForm, sendJson } from '../http';
import { authenticateClient, type ClientCredentials } from './clientAuthentication';
import type { EntraContext } from './context';
import { Aadsts, EntraError, errorBody } from './errors';
import { redeemAuthorizationCode } from './grants/authorizationCode';
import { issueClientCredentials } from './grants/clientCredentials';
import { redeemRefreshToken } from './grants/refreshToken';
import type { AppRegistration, Tenant } from './model';
import type { TenantSegment } from './tenantResolution';
import type { ClientAuthMethod, TokenResponse } from './tokenIssuer';

type GrantHandler = (
    ctx: EntraContext,
    tenant: Tenant,
    app: AppRegistration,
    clientAuth: ClientAuthMethod,
    form: Record<string, string>,
) => TokenResponse;

const grantHandlers: Record<string, GrantHandler> = {
    authorization_code: redeemAuthorizationCode,
    refresh_token: redeemRefreshToken,
    client_credentials: issueClientCredentials,
};

const NO_STORE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };

/** POST /{tenant}/oauth2/v2.0/token. Checks run in Entra's order: tenant, grant type, client, credential, grant. */
export async function handleToken(
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
): Promise<void> {
    const form = await readForm(req);
    const correlationId = headerValue(req, 'client-request-id');
    const headers = { ...NO_STORE, ...(correlationId ? { 'client-request-id': correlationId } : {}) };
    try {
        const response = issue(ctx, req, form, resolved);
        sendJson(res, 200, response, headers);
    } catch (error) {
        if (!(error instanceof EntraError)) throw error;
        const body = errorBody(error.aadsts, { now: ctx.clock.now(), correlationId, authorityHost: ctx.authorityHost });
        sendJson(res, error.aadsts.status, body, headers);
    }
}

function issue(
    ctx: EntraContext,
    req: IncomingMessage,
    form: Record<string, string>,
    resolved: TenantSegment,
): TokenResponse {
    if (resolved.kind === 'unknown') throw new EntraError(Aadsts.tenantNotFound(resolved.segment));
    const grantType = form.grant_type;
    if (!grantType) throw new EntraError(Aadsts.missingParameter('grant_type'));
    const handler = grantHandlers[grantType];
    if (!handler) throw new EntraError(Aadsts.unsupportedGrantType(grantType));
    const { clientId, credentials } = clientFromRequest(form, headerValue(req, 'authorization'));
    if (!clientId) throw new EntraError(Aadsts.missingParameter('client_id'));
    const app = findClientApp(ctx, resolved, clientId, form);
    const tenant = ctx.tenants.getTenant(app.tenantId);
    const clientAuth = isPublicClientRedemption(ctx, app, credentials, form)
        ? 'none'
        : authenticateClient(app, credentials, {
              clock: ctx.clock,
              acceptedAudiences: acceptedAssertionAudiences(ctx, tenant, resolved.segment),
              federated: ctx.federatedAssertions,
          });
    return handler(ctx, tenant, app, clientAuth, form);
}

/**
 * The app in the addressed tenant. On /common an app registered for one tenant only is refused
 * (AADSTS50194); a multitenant app is the one held by the tenant the code or refresh token was issued in,
 * which is where Entra routes the request
 * (https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant).
 */
function findClientApp(
    ctx: EntraContext,
    resolved: Exclude<TenantSegment, { kind: 'unknown' }>,
    clientId: string,
    form: Record<string, string>,
): AppRegistration {
    if (resolved.kind === 'tenant') {
        const app = ctx.tenants.findApp(resolved.tenant.id, clientId);
        if (!app) throw new EntraError(Aadsts.appNotFound(clientId, resolved.tenant.displayName));
        return app;
    }
    const anywhere = ctx.tenants.findAppAnywhere(clientId);
    if (!anywhere) throw new EntraError(Aadsts.appNotFound(clientId, resolved.segment));
    if (anywhere.signInAudience !== 'AzureADMultipleOrgs')
        throw new EntraError(Aadsts.notMultiTenant(anywhere.appId, anywhere.displayName));
    const grantTenant =
        (form.code && ctx.grants.findCode(form.code)?.tenantId) ||
        (form.refresh_token && ctx.grants.findRefreshToken(form.refresh_token)?.tenantId) ||
        anywhere.tenantId;
    const app = ctx.tenants.findApp(grantTenant, clientId);
    if (!app) throw new EntraError(Aadsts.appNotFound(clientId, ctx.tenants.getTenant(grantTenant).displayName));
    return app;
}

/**
 * A public client sends no credential: a code issued to one of its "Mobile and desktop" redirect URIs,
 * or a refresh token from such a code, is redeemed on the client id alone ("client_secret: required for
 * confidential web apps", https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
 * Anything else without a credential falls through to AADSTS7000218.
 */
function isPublicClientRedemption(
    ctx: EntraContext,
    app: AppRegistration,
    credentials: ClientCredentials,
    form: Record<string, string>,
): boolean {
    if (Object.values(credentials).some((v) => v !== undefined)) return false;
    if (form.grant_type === 'authorization_code')
        return form.redirect_uri !== undefined && app.publicClientRedirectUris.includes(form.redirect_uri);
    if (form.grant_type === 'refresh_token')
        return ctx.grants.findRefreshToken(form.refresh_token ?? '')?.publicClient === true;
    return false;
}

/** client_secret_post, or client_secret_basic (RFC 6749 2.3.1: form-urlencoded id and secret in Basic). */
function clientFromRequest(
    form: Record<string, string>,
    authorization: string | undefined,
): { clientId?: string; credentials: ClientCredentials } {
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic) {
        const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) {
            return {
                clientId: decodeURIComponent(decoded.slice(0, colon)),
                credentials: { clientSecret: decodeURIComponent(decoded.slice(colon + 1)) },
            };
        }
    }
    return {
        clientId: form.client_id,
        credentials: {
            clientSecret: form.client_secret,
            clientAssertion: form.client_assertion,
            clientAssertionType: form.client_assertion_type,
        },
    };
}

function acceptedAssertionAudiences(ctx: EntraContext, tenant: Tenant, segment: string): string[] {
    const tenantNames = new Set([tenant.id, segment, ...tenant.domains]);
    return [...tenantNames].flatMap((t) => [
        `${ctx.authorityHost}/${t}/oauth2/v2.0/token`,
        `${ctx.authorityHost}/${t}/v2.0`,
    ]);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
