import { TokenCacheError } from './errors';
import { CACHE_SECTIONS } from './mergeCaches';

type SerializedCache = Record<string, Record<string, { home_account_id?: unknown }> | undefined>;

/**
 * A partition stores one account's entries and nothing else. DistributedCachePlugin picks the key from
 * the *first* account in the in-memory cache, so if a CCA bound to account A ever redeemed a code for
 * account B, the plugin would write B's tokens under A (extractKey sees A first). Checking every
 * credential and account entry before a write closes that hole for the plugin and persistSignIn alike.
 */
export function assertOwnedBy(
    serialized: string,
    homeAccountId: string,
    options: { requireAccount?: boolean } = {},
): void {
    const cache = JSON.parse(serialized) as SerializedCache;
    const owned = CACHE_SECTIONS.filter((s) => s !== 'AppMetadata');
    const foreign = owned.flatMap((s) =>
        Object.values(cache[s] ?? {}).filter((e) => e.home_account_id !== homeAccountId),
    );
    const accounts = Object.keys(cache.Account ?? {}).length;
    if (foreign.length > 0 || (options.requireAccount && accounts === 0)) {
        throw new TokenCacheError(
            'token_cache_partition_mismatch',
            `Only tokens of account '${homeAccountId}' may be stored in its partition (found ${foreign.length} entr(ies) of other accounts, ${accounts} account(s)).`,
        );
    }
}
