import { createHash } from 'node:crypto';
import type { EntraContext } from '../context';
import { Aadsts, EntraError } from '../errors';
import { AUTH_CODE_LIFETIME_MS, type AuthorizationCode } from '../grantStore';
import type { AppRegistration, Tenant } from '../model';
import type { ClientAuthMethod, TokenResponse } from '../tokenIssuer';
import { issueDelegatedTokens, requireEnabledUser } from './delegated';

/** grant_type=authorization_code: single use, 10 minutes, same redirect_uri, PKCE verifier when a challenge was sent. */
export function redeemAuthorizationCode(
    ctx: EntraContext,
    tenant: Tenant,
    app: AppRegistration,
    clientAuth: ClientAuthMethod,
    form: Record<string, string>,
): TokenResponse {
    if (!form.code) throw new EntraError(Aadsts.missingParameter('code'));
    const code = ctx.grants.findCode(form.code);
    if (!code || code.clientId !== app.appId || code.tenantId !== tenant.id)
        throw new EntraError(Aadsts.malformedGrant());
    if (code.redeemed) throw new EntraError(Aadsts.codeRedeemed());
    if (ctx.clock.now() >= code.issuedAt + AUTH_CODE_LIFETIME_MS) throw new EntraError(Aadsts.codeExpired());
    // Any redemption attempt past this point uses the code up, successful or not.
    code.redeemed = true;
    if (form.redirect_uri !== code.redirectUri) throw new EntraError(Aadsts.replyAddressMismatch());
    checkPkce(code, form.code_verifier);
    const user = requireEnabledUser(ctx, tenant, code.userId);
    return issueDelegatedTokens(ctx, {
        tenant,
        app,
        user,
        scope: code.scope,
        requestedScope: form.scope,
        clientAuth,
        nonce: code.nonce,
        grantIssuedAt: code.issuedAt,
    });
}

function checkPkce(code: AuthorizationCode, verifier: string | undefined): void {
    if (!code.codeChallenge) return;
    if (!verifier) throw new EntraError(Aadsts.pkceVerifierMissing());
    const derived =
        code.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (derived !== code.codeChallenge) throw new EntraError(Aadsts.pkceMismatch());
}
