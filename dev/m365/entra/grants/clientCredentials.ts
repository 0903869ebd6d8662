import type { EntraContext } from '../context';
import { Aadsts, EntraError } from '../errors';
import type { AppRegistration, Tenant } from '../model';
import { defaultScopeResource, isGraphResource, splitScopes } from '../scopes';
import type { ClientAuthMethod, TokenResponse } from '../tokenIssuer';

/** grant_type=client_credentials: only `<resource>/.default`; the token's roles are the granted app permissions. */
export function issueClientCredentials(
    ctx: EntraContext,
    tenant: Tenant,
    app: AppRegistration,
    clientAuth: ClientAuthMethod,
    form: Record<string, string>,
): TokenResponse {
    const scopes = splitScopes(form.scope);
    if (scopes.length === 0) throw new EntraError(Aadsts.missingParameter('scope'));
    for (const scope of scopes) {
        const resource = defaultScopeResource(scope);
        if (resource === undefined) throw new EntraError(Aadsts.clientCredentialScope(form.scope!));
        if (!isGraphResource(resource)) throw new EntraError(Aadsts.resourceNotFound(resource, tenant.domains[0]!));
    }
    return ctx.issuer.application(tenant, app, clientAuth, form.scope!);
}
