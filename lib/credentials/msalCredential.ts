import type { SecretClient } from '@azure/keyvault-secrets';
import { readClientSecret } from '../integration/clientSecretVault';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { splitPemBundle } from './certificate';
import type { CredentialReference } from './credentialModel';
import { federatedAudience, federatedTokenSource } from './federatedTokenSource';

/** Exactly one of MSAL's confidential-client credentials (auth.clientSecret / clientCertificate / clientAssertion). */
export type MsalClientCredential =
    | { clientSecret: string }
    | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c?: string } }
    | { clientAssertion: () => Promise<string> };

/** The MSAL credential for a stored credential reference: the value comes from Key Vault (cached by version). */
export async function msalCredential(
    services: Services,
    integration: IntegrationRecord,
    credential: CredentialReference,
): Promise<MsalClientCredential> {
    switch (credential.kind) {
        case 'client_secret':
            return { clientSecret: await cachedValue(services.secrets, credential.secretName, credential.version) };
        case 'certificate': {
            const { privateKeyPem } = splitPemBundle(
                await cachedValue(services.secrets, credential.secretName, credential.version),
            );
            return { clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: privateKeyPem } };
        }
        case 'federated':
            return federatedAssertion(services, integration, credential.managedIdentityClientId);
    }
}

/** MSAL calls the callback whenever it needs an assertion, so the token is always current. */
export function federatedAssertion(
    services: Services,
    integration: IntegrationRecord,
    managedIdentityClientId?: string,
): MsalClientCredential {
    const source = federatedTokenSource(services);
    const audience = federatedAudience(integration.cloud);
    const identity = managedIdentityFor(services, managedIdentityClientId);
    return { clientAssertion: () => source(audience, identity) };
}

/** Without an explicit identity, the app's own user-assigned identity (AZURE_CLIENT_ID), else system-assigned. */
export function managedIdentityFor(services: Services, managedIdentityClientId?: string): string | undefined {
    return managedIdentityClientId ?? services.config.credential.managedIdentityClientId;
}

/** Values by version, for this instance's lifetime: a Key Vault version's value never changes. */
const values = new Map<string, Promise<string>>();

function cachedValue(vault: SecretClient, secretName: string, version: string): Promise<string> {
    const key = `${secretName}/${version}`;
    let value = values.get(key);
    if (!value) {
        value = readClientSecret(vault, { secretName, version });
        value.catch(() => values.delete(key));
        values.set(key, value);
    }
    return value;
}
