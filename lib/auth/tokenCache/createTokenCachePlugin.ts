import type { TableClient } from '@azure/data-tables';
import { DistributedCachePlugin, type ICachePlugin } from '@azure/msal-node';
import { AccountPartitionManager } from './AccountPartitionManager';
import type { CacheKeyProvider } from './CacheKeyProvider';
import { TableCacheClient } from './TableCacheClient';

export interface TokenCachePluginOptions {
    tableClient: TableClient;
    integrationId: string;
    homeAccountId: string;
    keyProvider: CacheKeyProvider;
    maxWriteAttempts?: number;
}

/**
 * What `new ConfidentialClientApplication({ ..., cache: { cachePlugin } })` needs for one connected
 * account. Build one per CCA, per invocation (msal-node's distributed-cache sample does the same): the
 * CCA's in-memory cache then only ever holds this partition. Call
 * `cca.getTokenCache().getAccountByHomeId(homeAccountId)` first: that runs beforeCacheAccess.
 */
export function createTokenCachePlugin(options: TokenCachePluginOptions): ICachePlugin {
    const { tableClient, integrationId, homeAccountId, keyProvider, maxWriteAttempts } = options;
    const partitionManager = new AccountPartitionManager({ integrationId, homeAccountId });
    return new DistributedCachePlugin(
        new TableCacheClient({ tableClient, integrationId, keyProvider, maxWriteAttempts }),
        partitionManager,
    );
}
