import { DAY } from '../../clock';
import type { EntraContext } from '../context';
import { Aadsts, EntraError } from '../errors';
import type { AppRegistration, Tenant } from '../model';
import type { ClientAuthMethod, TokenResponse } from '../tokenIssuer';
import { issueDelegatedTokens, requireEnabledUser } from './delegated';

/** A refresh token unused for 90 days expires (AADSTS700082); each use returns a fresh one. */
export const REFRESH_TOKEN_INACTIVITY_MS = 90 * DAY;

/**
 * grant_type=refresh_token. Entra rotates refresh tokens but does not revoke the one just used: it
 * stays valid until its own inactivity window ends or the user's grant is revoked.
 */
export function redeemRefreshToken(
    ctx: EntraContext,
    tenant: Tenant,
    app: AppRegistration,
    clientAuth: ClientAuthMethod,
    form: Record<string, string>,
): TokenResponse {
    if (!form.refresh_token) throw new EntraError(Aadsts.missingParameter('refresh_token'));
    const grant = ctx.grants.findRefreshToken(form.refresh_token);
    if (!grant) throw new EntraError(Aadsts.malformedGrant());
    if (grant.clientId !== app.appId || grant.tenantId !== tenant.id)
        throw new EntraError(Aadsts.grantClientMismatch());
    if (ctx.clock.now() >= grant.issuedAt + REFRESH_TOKEN_INACTIVITY_MS)
        throw new EntraError(Aadsts.refreshTokenInactive(grant.issuedAt));
    const user = requireEnabledUser(ctx, tenant, grant.userId);
    if (grant.grantIssuedAt < user.tokensValidFrom)
        throw new EntraError(Aadsts.grantRevoked(grant.grantIssuedAt, user.tokensValidFrom));
    return issueDelegatedTokens(ctx, {
        tenant,
        app,
        user,
        scope: form.scope ?? grant.scope,
        clientAuth,
        grantIssuedAt: grant.grantIssuedAt,
    });
}
