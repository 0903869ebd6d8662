import { createHash } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import { dependencyFaultIn } from '../dependencies/classify';

/** What the service keeps about a client secret outside Key Vault: never the value. */
export interface SecretReference {
    secretName: string;
    version: string;
    expiresOn: string;
    /** sha256 of the value, truncated: lets an admin tell two secrets apart without revealing either. */
    fingerprint: string;
    /** The first three characters, as the Entra portal shows them ("hint"). */
    hint: string;
    /** Set when another credential was promoted: retired (disabled in Key Vault) after this instant. */
    retireAfter?: string;
}

export function secretFingerprint(value: string): string {
    return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Key Vault names allow letters, digits and hyphens only. */
export function clientSecretName(integrationId: string): string {
    return `integration-${integrationId}-client-secret`;
}

export async function storeClientSecret(
    vault: SecretClient,
    integrationId: string,
    clientId: string,
    value: string,
    expiresOn: Date,
): Promise<SecretReference> {
    const fingerprint = secretFingerprint(value);
    const name = clientSecretName(integrationId);
    const options = {
        expiresOn,
        contentType: 'text/plain',
        tags: { integrationId, clientId, kind: 'client-secret', fingerprint },
    };
    let stored;
    try {
        stored = await vault.setSecret(name, value, options);
    } catch (e) {
        // The name is soft-deleted (someone deleted the secret): Key Vault only lets it be recovered or
        // purged (409 ObjectIsDeletedButRecoverable). Re-entering the secret recovers it, then adds the
        // value as a new version, so the admin's one action is enough.
        if (!isDeletedButRecoverable(e)) throw e;
        await (await vault.beginRecoverDeletedSecret(name)).pollUntilDone();
        stored = await vault.setSecret(name, value, options);
    }
    return {
        secretName: name,
        version: stored.properties.version!,
        expiresOn: expiresOn.toISOString(),
        fingerprint,
        hint: value.slice(0, 3),
    };
}

function isDeletedButRecoverable(e: unknown): boolean {
    const fault = dependencyFaultIn(e);
    return fault?.kind === 'secret_missing' && fault.upstreamStatus === 409;
}

export async function readClientSecret(
    vault: SecretClient,
    ref: Pick<SecretReference, 'secretName' | 'version'>,
): Promise<string> {
    const secret = await vault.getSecret(ref.secretName, { version: ref.version });
    if (secret.value === undefined) throw new Error(`Key Vault returned no value for ${ref.secretName}`);
    return secret.value;
}
