import { RECOVERABLE_DAYS, RECOVERY_LEVEL } from './rules';
import { currentVersion, DeletedSecret, Secret, SecretVersion } from './secretStore';

/**
 * The JSON Key Vault sends for secrets (SecretBundle, SecretItem, DeletedSecretBundle,
 * DeletedSecretItem in the Secrets REST API). Absent optional fields are omitted, not null: a plain
 * secret has no `kid` or `managed`, a secret without tags has no `tags`.
 */
export interface SecretAttributesJson {
    enabled: boolean;
    nbf?: number;
    exp?: number;
    created: number;
    updated: number;
    recoveryLevel: string;
    recoverableDays: number;
}

export interface SecretBundleJson {
    value?: string;
    id: string;
    contentType?: string;
    attributes: SecretAttributesJson;
    tags?: Record<string, string>;
}

export interface SecretItemJson {
    id: string;
    contentType?: string;
    attributes: SecretAttributesJson;
    tags?: Record<string, string>;
}

export interface DeletionJson {
    recoveryId: string;
    deletedDate: number;
    scheduledPurgeDate: number;
}

/**
 * A version with its value (set, get) or without (update, recover: Key Vault does not echo the value
 * there).
 */
export function secretBundle(
    vaultUrl: string,
    secret: Secret,
    version: SecretVersion,
    withValue: boolean,
): SecretBundleJson {
    return withoutUndefined({
        value: withValue ? version.value : undefined,
        id: versionId(vaultUrl, secret, version),
        contentType: version.contentType,
        attributes: attributes(version),
        tags: version.tags,
    });
}

/** An entry of GET /secrets: the secret's id without a version, described by its current version. */
export function secretItem(vaultUrl: string, secret: Secret): SecretItemJson {
    const current = currentVersion(secret);
    return withoutUndefined({
        id: `${vaultUrl}/secrets/${secret.name}`,
        contentType: current.contentType,
        attributes: attributes(current),
        tags: current.tags,
    });
}

/** An entry of GET /secrets/{name}/versions: the id carries the version. */
export function versionItem(vaultUrl: string, secret: Secret, version: SecretVersion): SecretItemJson {
    return withoutUndefined({
        id: versionId(vaultUrl, secret, version),
        contentType: version.contentType,
        attributes: attributes(version),
        tags: version.tags,
    });
}

/** DELETE /secrets/{name} and GET /deletedsecrets/{name}: the current version, never its value. */
export function deletedSecretBundle(vaultUrl: string, removed: DeletedSecret): DeletionJson & SecretBundleJson {
    return {
        ...deletion(vaultUrl, removed),
        ...secretBundle(vaultUrl, removed.secret, currentVersion(removed.secret), false),
    };
}

export function deletedSecretItem(vaultUrl: string, removed: DeletedSecret): DeletionJson & SecretItemJson {
    return { ...deletion(vaultUrl, removed), ...secretItem(vaultUrl, removed.secret) };
}

function deletion(vaultUrl: string, removed: DeletedSecret): DeletionJson {
    return {
        recoveryId: `${vaultUrl}/deletedsecrets/${removed.secret.name}`,
        deletedDate: removed.deletedDate,
        scheduledPurgeDate: removed.scheduledPurgeDate,
    };
}

function versionId(vaultUrl: string, secret: Secret, version: SecretVersion): string {
    return `${vaultUrl}/secrets/${secret.name}/${version.version}`;
}

function attributes(version: SecretVersion): SecretAttributesJson {
    return withoutUndefined({
        enabled: version.enabled,
        nbf: version.notBefore,
        exp: version.expires,
        created: version.created,
        updated: version.updated,
        recoveryLevel: RECOVERY_LEVEL,
        recoverableDays: RECOVERABLE_DAYS,
    });
}

function withoutUndefined<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
