import { isGuid } from './settingsSchema';

export type TenantResolution =
    { ok: true; tenantId: string } | { ok: false; code: 'tenant_not_found' | 'tenant_unreachable'; message: string };

/**
 * Turns a verified domain (contoso.onmicrosoft.com) into the tenant's GUID through Entra's public
 * OpenID metadata, whose issuer carries the tenant id. Unknown domains answer AADSTS90002.
 */
export async function resolveTenant(
    authorityHost: string,
    tenant: string,
    fetchImpl: typeof fetch = fetch,
): Promise<TenantResolution> {
    if (isGuid(tenant)) return { ok: true, tenantId: tenant.toLowerCase() };
    let response: Response;
    try {
        response = await fetchImpl(
            `${authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
            { signal: AbortSignal.timeout(10_000) },
        );
    } catch {
        return {
            ok: false,
            code: 'tenant_unreachable',
            message: `Could not reach ${authorityHost} to look up ${tenant}.`,
        };
    }
    const body = (await response.json().catch(() => ({}))) as { issuer?: string; error_description?: string };
    const id = body.issuer?.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
    if (response.ok && id) return { ok: true, tenantId: id.toLowerCase() };
    return {
        ok: false,
        code: 'tenant_not_found',
        message: body.error_description?.startsWith('AADSTS90002')
            ? `AADSTS90002: no tenant has the domain ${tenant}. Use the Directory (tenant) ID from the app registration's Overview page.`
            : `Could not resolve ${tenant} to a tenant id (HTTP ${response.status}).`,
    };
}
