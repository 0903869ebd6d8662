/**
 * MSAL token cache in Table Storage, partitioned by (integrationId, homeAccountId), encrypted at
 * rest, safe under concurrent refreshes. Start at createTokenCachePlugin (connected accounts) and
 * persistSignIn (the OAuth callback).
 */
export { AccountPartitionManager, type TokenCachePartition } from './AccountPartitionManager';
export { CACHE_KEY_BYTES, staticKeyProvider, type CacheKeyProvider } from './CacheKeyProvider';
export { createTokenCachePlugin, type TokenCachePluginOptions } from './createTokenCachePlugin';
export { TokenCacheError, type TokenCacheErrorCode } from './errors';
export { mergeCacheJson } from './mergeCaches';
export { persistSignIn, type PersistSignInOptions } from './persistSignIn';
export {
    deleteIntegrationTokenCaches,
    deleteTokenCachePartition,
    listTokenCachePartitions,
    type TokenCachePartitionInfo,
} from './purgeTokenCaches';
export { TableCacheClient, type TableCacheClientOptions } from './TableCacheClient';
export { decodeTableKey, encodeTableKey } from './tableKey';
export { ensureTokenCacheTable } from './tokenCacheEntity';
