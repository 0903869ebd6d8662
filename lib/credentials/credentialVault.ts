import { restStatus } from '../storage/restError';
import { randomBytes } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import { secretFingerprint } from '../integration/clientSecretVault';
import type { IntegrationRecord } from '../integration/integrationRepository';
import { pemBundle, ParsedCertificate } from './certificate';
import type { CertificateCredential, SecretCredential, StoredCredential } from './credentialModel';

export function newCredentialId(): string {
    return `cred-${randomBytes(6).toString('hex')}`;
}

/** One Key Vault secret per added credential (names allow letters, digits and hyphens only). */
export function credentialSecretName(integrationId: string, credentialId: string): string {
    return `integration-${integrationId}-credential-${credentialId}`;
}

type Meta = Pick<SecretCredential, 'id' | 'createdAt' | 'createdBy' | 'displayName' | 'verifiedAt'>;

export async function storeSecretCredential(
    vault: SecretClient,
    integration: IntegrationRecord,
    meta: Meta,
    value: string,
    requestedExpiry: Date,
): Promise<SecretCredential> {
    // Key Vault keeps whole seconds; record exactly what it keeps.
    const expiresOn = new Date(Math.floor(requestedExpiry.getTime() / 1000) * 1000);
    const secretName = credentialSecretName(integration.id, meta.id);
    const fingerprint = secretFingerprint(value);
    const stored = await vault.setSecret(secretName, value, {
        expiresOn,
        contentType: 'text/plain',
        tags: {
            integrationId: integration.id,
            clientId: integration.clientId,
            kind: 'client-secret',
            credentialId: meta.id,
            fingerprint,
        },
    });
    return {
        ...meta,
        kind: 'client_secret',
        state: 'pending',
        secretName,
        version: stored.properties.version!,
        expiresOn: expiresOn.toISOString(),
        fingerprint,
        hint: value.slice(0, 3),
    };
}

/** The PEM bundle, with the certificate's notAfter as the secret's expiry (what the expiry timer reads). */
export async function storeCertificateCredential(
    vault: SecretClient,
    integration: IntegrationRecord,
    meta: Meta,
    cert: ParsedCertificate,
): Promise<CertificateCredential> {
    const secretName = credentialSecretName(integration.id, meta.id);
    const stored = await vault.setSecret(secretName, pemBundle(cert), {
        expiresOn: cert.notAfter,
        notBefore: cert.notBefore,
        contentType: 'application/x-pem-file',
        tags: {
            integrationId: integration.id,
            clientId: integration.clientId,
            kind: 'certificate',
            credentialId: meta.id,
            thumbprintSha256: cert.thumbprintSha256,
        },
    });
    return {
        ...meta,
        kind: 'certificate',
        state: 'pending',
        secretName,
        version: stored.properties.version!,
        expiresOn: cert.notAfter.toISOString(),
        notBefore: cert.notBefore.toISOString(),
        thumbprintSha256: cert.thumbprintSha256,
        thumbprint: cert.thumbprint,
        subject: cert.subject,
    };
}

/**
 * Takes a credential out of Key Vault. An added credential has its own secret: soft-deleted
 * (recoverable during the vault's retention). The initial secret's name is reused by later PUTs,
 * so only its version is disabled.
 */
export async function removeFromVault(
    vault: SecretClient,
    credential: StoredCredential,
    ownSecret: boolean,
): Promise<void> {
    try {
        if (ownSecret) await vault.beginDeleteSecret(credential.secretName);
        else await vault.updateSecretProperties(credential.secretName, credential.version, { enabled: false });
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
    }
}

/** The version's expiry as Key Vault records it (the source of truth for the expiry timer). */
export async function vaultExpiry(vault: SecretClient, credential: StoredCredential): Promise<Date | undefined> {
    for await (const p of vault.listPropertiesOfSecretVersions(credential.secretName)) {
        if (p.version === credential.version) return p.expiresOn;
    }
    return undefined;
}
