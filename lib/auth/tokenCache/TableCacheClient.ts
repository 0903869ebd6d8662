import { restStatus } from '../../storage/restError';
import type { TableClient } from '@azure/data-tables';
import type { ICacheClient } from '@azure/msal-node';
import type { CacheKeyProvider } from './CacheKeyProvider';
import { openCache, sealCache, type PartitionRef } from './cacheCipher';
import { TokenCacheError } from './errors';
import { mergeCacheJson } from './mergeCaches';
import { assertOwnedBy } from './partitionContents';
import { partitionKeyOf, rowKeyOf, sealedBytesOf, toEntity } from './tokenCacheEntity';

export interface TableCacheClientOptions {
    tableClient: TableClient;
    /** Every row this client reads or writes lives under this integration: it cannot touch another's. */
    integrationId: string;
    keyProvider: CacheKeyProvider;
    /** Write attempts before giving up with `token_cache_conflict` (default 5). */
    maxWriteAttempts?: number;
}

/** A row as last seen by this client: the base of its next optimistic write. */
interface Snapshot {
    etag: string;
    value: string;
}

const DEFAULT_MAX_WRITE_ATTEMPTS = 5;

/**
 * msal-node's ICacheClient over one Table, for DistributedCachePlugin. The key MSAL passes is the
 * home account id chosen by the partition manager; the integration id is fixed at construction.
 *
 * Writes are optimistic: `set` replaces the row only if it still has the ETag this client saw in its
 * last `get` (MSAL always calls get in beforeCacheAccess, right before set in afterCacheAccess), or
 * creates it if there was none. On 412/409 another instance wrote in between (two function instances
 * refreshing the same account): re-read, three-way merge the MSAL JSON (mergeCaches.ts) and retry.
 * Create a client per CCA (per invocation): the snapshots are that CCA's view, not shared state.
 */
export class TableCacheClient implements ICacheClient {
    private readonly snapshots = new Map<string, Snapshot>();
    private readonly maxWriteAttempts: number;

    constructor(private readonly options: TableCacheClientOptions) {
        this.maxWriteAttempts = Math.max(1, options.maxWriteAttempts ?? DEFAULT_MAX_WRITE_ATTEMPTS);
    }

    get integrationId(): string {
        return this.options.integrationId;
    }

    /** '' on a miss (MSAL's deserialize('') is a no-op). An empty key means "no account yet": nothing to read. */
    async get(key: string): Promise<string> {
        if (!key) return '';
        const snapshot = await this.read(key);
        if (snapshot) this.snapshots.set(key, snapshot);
        else this.snapshots.delete(key);
        return snapshot?.value ?? '';
    }

    /** Stores `value` (merged with a concurrent writer's if needed) and returns what was stored. */
    async set(key: string, value: string): Promise<string> {
        if (!key)
            throw new TokenCacheError(
                'token_cache_invalid_argument',
                'Refusing to write a token cache without a home account id.',
            );
        assertOwnedBy(value, key);
        let known = this.snapshots.get(key);
        let next = value;
        for (let attempt = 1; ; attempt++) {
            try {
                const etag = await this.write(key, next, known?.etag);
                this.snapshots.set(key, { etag, value: next });
                return next;
            } catch (e) {
                const status = restStatus(e);
                if (status === 404 && known) throw this.removed(key, e);
                if (status !== 412 && status !== 409) throw e;
                if (attempt >= this.maxWriteAttempts) throw this.conflict(key, attempt, e);
                const current = await this.read(key);
                if (!current && known) throw this.removed(key, e);
                if (current) next = mergeCacheJson(known?.value ?? '', next, current.value);
                known = current;
            }
        }
    }

    private async read(key: string): Promise<Snapshot | undefined> {
        const { tableClient, integrationId, keyProvider } = this.options;
        let entity: Record<string, unknown> & { etag: string };
        try {
            entity = await tableClient.getEntity(partitionKeyOf(integrationId), rowKeyOf(key));
        } catch (e) {
            if (restStatus(e) === 404) return undefined;
            throw e;
        }
        return {
            etag: entity.etag,
            value: openCache(sealedBytesOf(entity), await keyProvider.getKey(), this.partition(key)),
        };
    }

    /** Returns the new ETag. With an ETag: replace only that version; without: create only if absent. */
    private async write(key: string, value: string, etag: string | undefined): Promise<string> {
        const { tableClient, integrationId, keyProvider } = this.options;
        const entity = toEntity(integrationId, key, sealCache(value, await keyProvider.getKey(), this.partition(key)));
        const response = etag
            ? await tableClient.updateEntity(entity, 'Replace', { etag })
            : await tableClient.createEntity(entity);
        // Both responses carry the ETag; without one the next write falls back to create-then-merge.
        return response.etag ?? '';
    }

    private partition(homeAccountId: string): PartitionRef {
        return { integrationId: this.options.integrationId, homeAccountId };
    }

    private removed(key: string, cause: unknown): TokenCacheError {
        return new TokenCacheError(
            'token_cache_partition_removed',
            `The token cache of account '${key}' in integration '${this.options.integrationId}' was deleted (disconnected) while it was in use; the refreshed tokens were not stored.`,
            { cause },
        );
    }

    private conflict(key: string, attempts: number, cause: unknown): TokenCacheError {
        return new TokenCacheError(
            'token_cache_conflict',
            `The token cache of account '${key}' in integration '${this.options.integrationId}' kept changing under ${attempts} write attempts.`,
            { cause },
        );
    }
}
