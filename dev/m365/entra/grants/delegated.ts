import type { EntraContext } from '../context';
import { Aadsts, EntraError } from '../errors';
import type { AppRegistration, Tenant, User } from '../model';
import { graphScopePrefix, missingScopes, parseScopes, unionScopes } from '../scopes';
import type { ClientAuthMethod, TokenResponse } from '../tokenIssuer';

export interface DelegatedGrant {
    tenant: Tenant;
    app: AppRegistration;
    user: User;
    /** The scope string for this request. */
    scope: string;
    /** The `scope` the token request itself sent, when it differs from `scope` (a code's scope comes from /authorize). */
    requestedScope?: string;
    clientAuth: ClientAuthMethod;
    nonce?: string;
    /** When the user signed in: carried through every rotated refresh token. */
    grantIssuedAt: number;
}

/** Delegated Graph permissions this user may use in this app: admin consent plus their own. */
export function grantedScopes(app: AppRegistration, userId: string): string[] {
    return unionScopes(app.consentedScopes, app.userConsents.get(userId) ?? []);
}

/**
 * Issues the tokens for a user's grant. The access token carries every permission consented for the
 * app (Entra's behaviour: not only the ones asked for); a refresh token comes only with offline_access.
 */
export function issueDelegatedTokens(ctx: EntraContext, grant: DelegatedGrant): TokenResponse {
    const { tenant, app, user } = grant;
    const parsed = parseScopes(grant.scope);
    if (parsed.unknown.length > 0) throw new EntraError(Aadsts.invalidScope(parsed.unknown[0]!));
    const granted = grantedScopes(app, user.id);
    if (missingScopes(parsed.graph, granted).length > 0)
        throw new EntraError(Aadsts.consentRequired(app.appId, app.displayName));
    const refreshToken = parsed.oidc.includes('offline_access')
        ? ctx.grants.issueRefreshToken({
              tenantId: tenant.id,
              clientId: app.appId,
              userId: user.id,
              scope: grant.scope,
              grantIssuedAt: grant.grantIssuedAt,
              issuedAt: ctx.clock.now(),
              publicClient: grant.clientAuth === 'none',
          }).token
        : undefined;
    return ctx.issuer.delegated({
        tenant,
        app,
        user,
        graphScopes: granted,
        oidcScopes: parsed.oidc,
        scopePrefix: graphScopePrefix(grant.requestedScope) ?? graphScopePrefix(grant.scope),
        clientAuth: grant.clientAuth,
        nonce: grant.nonce,
        refreshToken,
    });
}

/** A user who can no longer use a grant: disabled (AADSTS50057). */
export function requireEnabledUser(ctx: EntraContext, tenant: Tenant, userId: string): User {
    const user = ctx.tenants.findUser(tenant.id, userId);
    if (!user) throw new EntraError(Aadsts.userNotFound(userId, tenant.displayName));
    if (!user.accountEnabled) throw new EntraError(Aadsts.userDisabled());
    return user;
}
