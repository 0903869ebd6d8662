import type { CloudName } from '../integration/cloud';
import type { Services } from '../runtime/services';

/**
 * Secretless credentials: the function app's managed identity gets a token for Entra's token-exchange
 * audience, and MSAL sends it as the client assertion. The app registration trusts it through a
 * federated identity credential (issuer, subject, audience).
 */
const AUDIENCES: Record<CloudName, string> = {
    global: 'api://AzureADTokenExchange',
    usgov: 'api://AzureADTokenExchangeUSGov',
    china: 'api://AzureADTokenExchangeChina',
};

export function federatedAudience(cloud: CloudName): string {
    return AUDIENCES[cloud];
}

/** Returns a JWT for `audience` issued to the managed identity (`clientId`: user-assigned, else system-assigned). */
export type FederatedTokenSource = (audience: string, managedIdentityClientId?: string) => Promise<string>;

const overrides = new WeakMap<Services, FederatedTokenSource>();

/** Replaces the managed identity (tests, or a host with another workload identity). */
export function setFederatedTokenSource(services: Services, source: FederatedTokenSource | undefined): void {
    if (source) overrides.set(services, source);
    else overrides.delete(services);
}

export function federatedTokenSource(services: Services): FederatedTokenSource {
    return overrides.get(services) ?? managedIdentityTokens;
}

const credentials = new Map<string, Promise<{ getToken(scope: string): Promise<{ token: string } | null> }>>();

async function managedIdentityTokens(audience: string, managedIdentityClientId?: string): Promise<string> {
    const key = managedIdentityClientId ?? '(system)';
    let credential = credentials.get(key);
    if (!credential) {
        credential = import('@azure/identity').then(({ ManagedIdentityCredential }) =>
            managedIdentityClientId
                ? new ManagedIdentityCredential({ clientId: managedIdentityClientId })
                : new ManagedIdentityCredential(),
        );
        credentials.set(key, credential);
    }
    // The identity SDK caches and refreshes the token; MSAL calls this for every assertion it needs.
    const token = await (await credential).getToken(`${audience}/.default`);
    if (!token) throw new Error('The managed identity returned no token.');
    return token.token;
}

/** The claims Entra matches against the federated identity credential (shown in the status hint). */
export function assertionClaims(jwt: string): { iss?: string; sub?: string; aud?: string } {
    try {
        const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
            iss?: string;
            sub?: string;
            aud?: string | string[];
        };
        return { iss: claims.iss, sub: claims.sub, aud: Array.isArray(claims.aud) ? claims.aud[0] : claims.aud };
    } catch {
        return {};
    }
}
