import type { TableClient } from '@azure/data-tables';
import type { CacheKeyProvider } from './CacheKeyProvider';
import { TokenCacheError } from './errors';
import { assertOwnedBy } from './partitionContents';
import { deleteTokenCachePartition } from './purgeTokenCaches';
import { TableCacheClient } from './TableCacheClient';

export interface PersistSignInOptions {
    tableClient: TableClient;
    integrationId: string;
    keyProvider: CacheKeyProvider;
    /** The CCA's token cache right after acquireTokenByCode (`cca.getTokenCache()`). */
    tokenCache: { serialize(): string };
    /** `result.account.homeAccountId` of that acquireTokenByCode. */
    homeAccountId: string;
}

/**
 * First sign-in (the OAuth callback): the home account id is unknown until the code is redeemed, so
 * there is no partition to bind yet. The flow:
 *
 *   const cca = new ConfidentialClientApplication(config);   // no cachePlugin: in-memory only
 *   const result = await cca.acquireTokenByCode(request, payload);
 *   await persistSignIn({ ..., tokenCache: cca.getTokenCache(), homeAccountId: result.account!.homeAccountId });
 *
 * Why not DistributedCachePlugin with a partition manager whose getKey() returns '': that works
 * mechanically (the plugin reads get(''), which TableCacheClient answers with '' without touching
 * storage, and after the redemption writes under extractKey(the first account in the cache)), but the
 * partition would be chosen implicitly by "whichever account MSAL lists first" and the partition
 * manager could no longer refuse foreign accounts. Here the partition comes from the authenticated
 * result and every entry is checked to belong to it.
 *
 * A reconnect replaces the account's cache (a stale or revoked refresh token must not survive it);
 * a concurrent refresh racing the write is still merged, never lost (TableCacheClient).
 */
export async function persistSignIn(options: PersistSignInOptions): Promise<void> {
    const { tableClient, integrationId, keyProvider, tokenCache, homeAccountId } = options;
    const serialized = tokenCache.serialize();
    assertOwnedBy(serialized, homeAccountId, { requireAccount: true });
    const client = new TableCacheClient({ tableClient, integrationId, keyProvider });
    await readCurrent(client, homeAccountId, () =>
        deleteTokenCachePartition(tableClient, integrationId, homeAccountId),
    );
    await client.set(homeAccountId, serialized);
}

/**
 * Loads the current row's ETag, so the write replaces exactly that version. A row that no longer
 * decrypts (tampered, or the key was lost) is deleted: reconnecting is how an admin repairs it, so it
 * must not be blocked by the very corruption it repairs.
 */
async function readCurrent(
    client: TableCacheClient,
    homeAccountId: string,
    deleteRow: () => Promise<boolean>,
): Promise<void> {
    try {
        await client.get(homeAccountId);
    } catch (e) {
        if (!(e instanceof TokenCacheError && e.code === 'token_cache_integrity')) throw e;
        await deleteRow();
        await client.get(homeAccountId);
    }
}
