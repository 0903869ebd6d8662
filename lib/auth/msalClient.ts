import type { ConfidentialClientApplication, ICachePlugin } from '@azure/msal-node';
import { activeCredential } from '../credentials/credentialModel';
import { msalCredential, type MsalClientCredential } from '../credentials/msalCredential';
import { cloudEndpoints } from '../integration/cloud';
import { msalLoggerOptions } from './msalLogging';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';

/**
 * A ConfidentialClientApplication for one integration (and, with a cache plugin, one connected
 * account's cache partition). Built per use, as msal-node's distributed-cache guidance says: the
 * in-memory cache of a CCA must only ever hold one partition.
 *
 * The credential is the integration's active one (secret, certificate or federated assertion) unless
 * one is given (verifying a new credential before it is promoted). It never affects the token cache:
 * MSAL keys refresh tokens by client id and account, so a rotation keeps every connection.
 */
export async function createMsalClient(
    services: Services,
    integration: IntegrationRecord,
    cachePlugin?: ICachePlugin,
    credential?: MsalClientCredential,
): Promise<ConfidentialClientApplication> {
    const [{ ConfidentialClientApplication, LogLevel }, auth] = await Promise.all([
        import('@azure/msal-node'),
        credential ?? activeMsalCredential(services, integration),
    ]);
    const { authorityHost } = cloudEndpoints(integration.cloud, services.config.m365);
    return new ConfidentialClientApplication({
        auth: {
            clientId: integration.clientId,
            authority: `${authorityHost}/${integration.tenantId}`,
            ...auth,
            // Skips instance discovery (a call to login.microsoftonline.com) for our authority host.
            knownAuthorities: [new URL(authorityHost).host],
        },
        cache: cachePlugin ? { cachePlugin } : undefined,
        system: {
            loggerOptions: msalLoggerOptions(LogLevel),
        },
    });
}

function activeMsalCredential(services: Services, integration: IntegrationRecord): Promise<MsalClientCredential> {
    const credential = activeCredential(integration);
    if (!credential) throw new Error('The integration has no client credential.');
    return msalCredential(services, integration, credential);
}

export function graphScopes(integration: IntegrationRecord): string[] {
    // offline_access/openid/profile are added by MSAL itself; asking for them again is harmless but noisy.
    return integration.scopes
        .filter((s) => !['offline_access', 'openid', 'profile'].includes(s))
        .map((s) => (s.includes('/') ? s : `${cloudEndpoints(integration.cloud, {}).graphResource}/${s}`));
}
