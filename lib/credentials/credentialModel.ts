import type { IntegrationRecord } from '../integration/integrationRepository';

/**
 * The credentials an integration can prove its identity with. Several may exist at once (rotation
 * with overlap): one `active` (token requests use it), new ones `pending` until promoted, old ones
 * `retiring` during a grace period, then `retired` (removed from Key Vault, kept here as history).
 */
export type CredentialKind = 'client_secret' | 'certificate' | 'federated';
export type CredentialState = 'pending' | 'active' | 'retiring' | 'retired';

interface CredentialBase {
    /** `initial` is the secret set with PUT /api/manage/integration; added ones are `cred-<hex>`. */
    id: string;
    kind: CredentialKind;
    state: CredentialState;
    displayName?: string;
    createdAt: string;
    createdBy?: string;
    verifiedAt?: string;
    promotedAt?: string;
    retireAfter?: string;
    retiredAt?: string;
}

/** Kept in Key Vault: the secret value, or the PEM private key + certificate. */
export interface VaultLocation {
    secretName: string;
    version: string;
    /** When Entra stops accepting it (also the Key Vault secret's expiresOn). */
    expiresOn: string;
}

export interface SecretCredential extends CredentialBase, VaultLocation {
    kind: 'client_secret';
    fingerprint: string;
    hint: string;
}

export interface CertificateCredential extends CredentialBase, VaultLocation {
    kind: 'certificate';
    /** Upper-case hex, as the portal shows them. */
    thumbprintSha256: string;
    thumbprint: string;
    subject: string;
    notBefore: string;
}

/** Secretless: a managed identity's token is the client assertion (a federated identity credential). */
export interface FederatedCredential extends CredentialBase {
    kind: 'federated';
    /** The user-assigned managed identity; absent = the app's system-assigned identity. */
    managedIdentityClientId?: string;
    audience: string;
}

export type CredentialReference = SecretCredential | CertificateCredential | FederatedCredential;
export type StoredCredential = SecretCredential | CertificateCredential;

export const INITIAL_CREDENTIAL_ID = 'initial';

export function isStored(c: CredentialReference): c is StoredCredential {
    return c.kind !== 'federated';
}

/**
 * The secret set through PUT /api/manage/integration, seen as a credential. It is active until
 * another credential is promoted; then it retires after the grace period like any other.
 */
export function initialCredential(record: IntegrationRecord): SecretCredential | undefined {
    const s = record.clientSecret;
    if (!s) return undefined;
    return {
        id: INITIAL_CREDENTIAL_ID,
        kind: 'client_secret',
        state: record.activeCredentialId ? 'retiring' : 'active',
        secretName: s.secretName,
        version: s.version,
        expiresOn: s.expiresOn,
        fingerprint: s.fingerprint,
        hint: s.hint,
        createdAt: record.createdAt,
        ...(s.retireAfter ? { retireAfter: s.retireAfter } : {}),
    };
}

export function allCredentials(record: IntegrationRecord): CredentialReference[] {
    const initial = initialCredential(record);
    return [...(initial ? [initial] : []), ...(record.credentials ?? [])];
}

/** The credential new token requests use. */
export function activeCredential(record: IntegrationRecord): CredentialReference | undefined {
    if (record.activeCredentialId) return record.credentials?.find((c) => c.id === record.activeCredentialId);
    return initialCredential(record);
}

export function describeCredential(c: CredentialReference): string {
    switch (c.kind) {
        case 'client_secret':
            return `client secret ${c.hint}… (${c.fingerprint})`;
        case 'certificate':
            return `certificate ${c.thumbprint.slice(0, 8)}… (${c.subject})`;
        case 'federated':
            return `federated credential of managed identity ${c.managedIdentityClientId ?? '(system-assigned)'}`;
    }
}
