import { randomBytes } from 'node:crypto';
import { deletedButRecoverable, deletedSecretNotFound, secretDisabled, secretNotFound } from './errors';
import { DAY_SECONDS, RECOVERABLE_DAYS } from './rules';

/** One immutable value of a secret and its mutable attributes. Times are Unix seconds, as on the wire. */
export interface SecretVersion {
    /** 32 lowercase hex characters, like Key Vault's. */
    version: string;
    value: string;
    contentType?: string;
    tags?: Record<string, string>;
    enabled: boolean;
    notBefore?: number;
    expires?: number;
    created: number;
    updated: number;
}

export interface Secret {
    /** The spelling used when the secret was first created; lookups ignore case, as Key Vault's do. */
    name: string;
    /** Oldest first: the last one is the current version. */
    versions: SecretVersion[];
}

export interface DeletedSecret {
    secret: Secret;
    deletedDate: number;
    scheduledPurgeDate: number;
}

export interface NewVersion {
    value: string;
    contentType?: string;
    tags?: Record<string, string>;
    enabled?: boolean;
    notBefore?: number;
    expires?: number;
}

/** What a PATCH may change; `null` clears an optional attribute, `undefined` leaves it alone. */
export interface VersionUpdate {
    contentType?: string | null;
    tags?: Record<string, string> | null;
    enabled?: boolean;
    notBefore?: number | null;
    expires?: number | null;
}

/** Everything the vault holds, as the persistence file stores it. */
export interface VaultSnapshot {
    live: Secret[];
    deleted: DeletedSecret[];
}

/**
 * The vault's secrets, in memory. A soft-delete vault: deleting moves the whole secret (every version)
 * aside until it is recovered, purged, or its scheduled purge date passes. Expiry and not-before are
 * attributes only: reads ignore them, as Key Vault documents for secrets.
 *
 * With `onChange`, every change hands the whole vault to it (the double persists it to disk, so a
 * restarted vault still has its secrets, as a real one does).
 */
export class SecretStore {
    private readonly live = new Map<string, Secret>();
    private readonly deleted = new Map<string, DeletedSecret>();

    constructor(
        private readonly nowMs: () => number,
        initial?: VaultSnapshot,
        private readonly onChange?: (snapshot: VaultSnapshot) => void,
    ) {
        for (const secret of initial?.live ?? []) this.live.set(keyOf(secret.name), secret);
        for (const removed of initial?.deleted ?? []) this.deleted.set(keyOf(removed.secret.name), removed);
    }

    snapshot(): VaultSnapshot {
        return { live: [...this.live.values()], deleted: [...this.deleted.values()] };
    }

    private changed(): void {
        this.onChange?.(this.snapshot());
    }

    set(name: string, input: NewVersion): { secret: Secret; version: SecretVersion } {
        this.purgeExpired();
        const key = keyOf(name);
        const removed = this.deleted.get(key);
        if (removed) throw deletedButRecoverable(removed.secret.name);
        const secret = this.live.get(key) ?? { name, versions: [] };
        const now = this.nowSeconds();
        const version: SecretVersion = {
            version: randomBytes(16).toString('hex'),
            value: input.value,
            contentType: input.contentType,
            tags: input.tags,
            enabled: input.enabled ?? true,
            notBefore: input.notBefore,
            expires: input.expires,
            created: now,
            updated: now,
        };
        secret.versions.push(version);
        this.live.set(key, secret);
        this.changed();
        return { secret, version };
    }

    /** The value-bearing read: a disabled version is refused, an expired one is not. */
    read(name: string, version?: string): { secret: Secret; version: SecretVersion } {
        const found = this.find(name, version);
        if (!found.version.enabled) throw secretDisabled();
        return found;
    }

    update(
        name: string,
        version: string | undefined,
        change: VersionUpdate,
    ): { secret: Secret; version: SecretVersion } {
        const found = this.find(name, version);
        applyUpdate(found.version, change);
        found.version.updated = this.nowSeconds();
        this.changed();
        return found;
    }

    /** Every live secret; each is described by its current version. */
    list(): Secret[] {
        this.purgeExpired();
        return [...this.live.values()];
    }

    /** Key Vault answers an empty list, not 404, for a name that has no versions. */
    versions(name: string): Secret | undefined {
        this.purgeExpired();
        return this.live.get(keyOf(name));
    }

    delete(name: string): DeletedSecret {
        this.purgeExpired();
        const key = keyOf(name);
        const secret = this.live.get(key);
        if (!secret) throw secretNotFound(name);
        const deletedDate = this.nowSeconds();
        const removed = { secret, deletedDate, scheduledPurgeDate: deletedDate + RECOVERABLE_DAYS * DAY_SECONDS };
        this.live.delete(key);
        this.deleted.set(key, removed);
        this.changed();
        return removed;
    }

    getDeleted(name: string): DeletedSecret {
        this.purgeExpired();
        const removed = this.deleted.get(keyOf(name));
        if (!removed) throw deletedSecretNotFound(name);
        return removed;
    }

    listDeleted(): DeletedSecret[] {
        this.purgeExpired();
        return [...this.deleted.values()];
    }

    recover(name: string): Secret {
        const removed = this.getDeleted(name);
        const key = keyOf(name);
        this.deleted.delete(key);
        this.live.set(key, removed.secret);
        this.changed();
        return removed.secret;
    }

    purge(name: string): void {
        this.getDeleted(name);
        this.deleted.delete(keyOf(name));
        this.changed();
    }

    private find(name: string, version: string | undefined): { secret: Secret; version: SecretVersion } {
        this.purgeExpired();
        const secret = this.live.get(keyOf(name));
        const found = secret && (version ? secret.versions.find((v) => v.version === version) : currentVersion(secret));
        if (!secret || !found) throw secretNotFound(version ? `${name}/${version}` : name);
        return { secret, version: found };
    }

    /** The vault purges a deleted secret by itself once its scheduled purge date has passed. */
    private purgeExpired(): void {
        const now = this.nowSeconds();
        let purged = false;
        for (const [key, removed] of this.deleted) {
            if (removed.scheduledPurgeDate <= now) purged = this.deleted.delete(key);
        }
        if (purged) this.changed();
    }

    private nowSeconds(): number {
        return Math.floor(this.nowMs() / 1000);
    }
}

export function currentVersion(secret: Secret): SecretVersion {
    const last = secret.versions[secret.versions.length - 1];
    if (!last) throw new Error(`Secret ${secret.name} has no versions`);
    return last;
}

function applyUpdate(target: SecretVersion, change: VersionUpdate): void {
    if (change.enabled !== undefined) target.enabled = change.enabled;
    if (change.contentType !== undefined) target.contentType = change.contentType ?? undefined;
    if (change.tags !== undefined) target.tags = change.tags ?? undefined;
    if (change.notBefore !== undefined) target.notBefore = change.notBefore ?? undefined;
    if (change.expires !== undefined) target.expires = change.expires ?? undefined;
}

function keyOf(name: string): string {
    return name.toLowerCase();
}
