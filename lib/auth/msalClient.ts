import type { ConfidentialClientApplication, ICachePlugin } from '@azure/msal-node';
import { cloudEndpoints } from '../integration/cloud';
import { readClientSecret } from '../integration/clientSecretVault';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';

/**
 * A ConfidentialClientApplication for one integration (and, with a cache plugin, one connected
 * account's cache partition). Built per use, as msal-node's distributed-cache guidance says: the
 * in-memory cache of a CCA must only ever hold one partition.
 */
export async function createMsalClient(services: Services, integration: IntegrationRecord, cachePlugin?: ICachePlugin): Promise<ConfidentialClientApplication> {
    if (!integration.clientSecret) throw new Error('The integration has no client credential.');
    const [{ ConfidentialClientApplication, LogLevel }, clientSecret] = await Promise.all([
        import('@azure/msal-node'),
        cachedSecret(services, integration.clientSecret.secretName, integration.clientSecret.version),
    ]);
    const { authorityHost } = cloudEndpoints(integration.cloud, services.config.m365);
    return new ConfidentialClientApplication({
        auth: {
            clientId: integration.clientId,
            authority: `${authorityHost}/${integration.tenantId}`,
            clientSecret,
            // Skips instance discovery (a call to login.microsoftonline.com) for our authority host.
            knownAuthorities: [new URL(authorityHost).host],
        },
        cache: cachePlugin ? { cachePlugin } : undefined,
        system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
    });
}

/** Secret values by version, for this instance's lifetime: a version's value never changes. */
const secretValues = new Map<string, Promise<string>>();

function cachedSecret(services: Services, secretName: string, version: string): Promise<string> {
    const key = `${secretName}/${version}`;
    let value = secretValues.get(key);
    if (!value) {
        value = readClientSecret(services.secrets, { secretName, version });
        value.catch(() => secretValues.delete(key));
        secretValues.set(key, value);
    }
    return value;
}

export function graphScopes(integration: IntegrationRecord): string[] {
    // offline_access/openid/profile are added by MSAL itself; asking for them again is harmless but noisy.
    return integration.scopes.filter((s) => !['offline_access', 'openid', 'profile'].includes(s)).map((s) => (s.includes('/') ? s : `${cloudEndpoints(integration.cloud, {}).graphResource}/${s}`));
}
