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

/**
 * Values by version. A Key Vault version's value never changes, but the version can be deleted or
 * disabled (by an admin, on purpose): after REVALIDATE_MS the next use reads it again. A configuration
 * fault on that read (missing, disabled, access denied) ends the cached value, so the service stops
 * using a secret the vault no longer serves and says why; a transient one (vault unreachable) keeps it.
 */
export const REVALIDATE_MS = 5 * 60_000;
const RETRY_REVALIDATE_MS = 30_000;

interface CachedValue {
    value: Promise<string>;
    readAt: number;
}

const values = new Map<string, CachedValue>();

function cachedValue(vault: SecretClient, secretName: string, version: string, now = Date.now()): Promise<string> {
    const key = `${secretName}/${version}`;
    const cached = values.get(key);
    if (!cached) return read(vault, key, { secretName, version }, now);
    if (now - cached.readAt < REVALIDATE_MS) return cached.value;
    cached.readAt = now - REVALIDATE_MS + RETRY_REVALIDATE_MS; // one revalidation at a time
    return readClientSecret(vault, { secretName, version }).then(
        (value) => {
            values.set(key, { value: Promise.resolve(value), readAt: Date.now() });
            return value;
        },
        async (e: unknown) => {
            const { dependencyFaultIn } = await import('../dependencies/classify');
            const fault = dependencyFaultIn(e);
            if (fault && !fault.configuration) return cached.value;
            values.delete(key);
            throw e;
        },
    );
}

function read(
    vault: SecretClient,
    key: string,
    ref: { secretName: string; version: string },
    now: number,
): Promise<string> {
    const value = readClientSecret(vault, ref);
    value.catch(() => values.delete(key));
    values.set(key, { value, readAt: now });
    return value;
}

/** What a new instance starts with (tests simulate a restart with it). */
export function forgetCredentialValuesForTests(): void {
    values.clear();
}
