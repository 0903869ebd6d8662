import type { EntraContext } from './context';
import type { TenantSegment } from './tenantResolution';

/**
 * /{tenant}/v2.0/.well-known/openid-configuration, shaped like Entra's. For a tenant (named by GUID or
 * domain) the endpoints carry its GUID; for common/organizations they carry the alias and the issuer
 * carries the `{tenantid}` placeholder MSAL substitutes.
 */
export function openIdConfiguration(
    ctx: EntraContext,
    resolved: Exclude<TenantSegment, { kind: 'unknown' }>,
): Record<string, unknown> {
    const pathTenant = resolved.kind === 'tenant' ? resolved.tenant.id : resolved.segment;
    const issuerTenant = resolved.kind === 'tenant' ? resolved.tenant.id : '{tenantid}';
    const base = `${ctx.authorityHost}/${pathTenant}`;
    return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${ctx.authorityHost}/${issuerTenant}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: [
            'sub',
            'iss',
            'cloud_instance_name',
            'cloud_instance_host_name',
            'cloud_graph_host_name',
            'msgraph_host',
            'aud',
            'exp',
            'iat',
            'auth_time',
            'acr',
            'nonce',
            'preferred_username',
            'name',
            'tid',
            'ver',
            'at_hash',
            'c_hash',
            'email',
        ],
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
    };
}

export function jsonWebKeySet(ctx: EntraContext): { keys: unknown[] } {
    return { keys: [{ ...ctx.signingKey.jwk, issuer: `${ctx.authorityHost}/{tenantid}/v2.0` }] };
}
