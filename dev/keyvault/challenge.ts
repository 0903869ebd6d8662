import type { IncomingHttpHeaders } from 'node:http';

/**
 * Key Vault's challenge: a request without a bearer token gets 401 and a WWW-Authenticate header
 * naming the tenant's authority and the vault resource. @azure/keyvault-common's
 * keyVaultAuthenticationPolicy parses `authorization` (the tenant is its path) and `resource` (the
 * token scope is `resource + "/.default"`), then resends with `Authorization: Bearer <token>`.
 *
 * This is a local double: it accepts any non-empty bearer token and never validates signature,
 * audience or expiry. Real Key Vault does all three; nothing outside dev/ and test/ may rely on this.
 */
export const VAULT_RESOURCE = 'https://vault.azure.net';

export function challengeHeader(tenantId: string): string {
    return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${VAULT_RESOURCE}"`;
}

export function hasBearerToken(headers: IncomingHttpHeaders): boolean {
    const match = /^Bearer\s+(\S+)/i.exec(headers.authorization ?? '');
    return match !== null;
}
