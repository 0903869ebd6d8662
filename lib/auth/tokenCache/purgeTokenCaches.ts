import { restStatus } from '../../storage/restError';
import { odata, type TableClient } from '@azure/data-tables';
import { decodeTableKey } from './tableKey';
import { partitionKeyOf, rowKeyOf } from './tokenCacheEntity';

/**
 * Deleting tokens is how a connection ends: disconnecting one account deletes its partition,
 * removing an integration deletes all of them (the files stay in Microsoft 365). A writer that was
 * mid-refresh when its row vanished gets `token_cache_partition_removed` rather than resurrecting it.
 */
export interface TokenCachePartitionInfo {
    homeAccountId: string;
    /** When the row was last written (the service's Timestamp). */
    updatedOn?: Date;
}

export async function listTokenCachePartitions(
    tableClient: TableClient,
    integrationId: string,
): Promise<TokenCachePartitionInfo[]> {
    const rows = tableClient.listEntities({
        queryOptions: {
            filter: odata`PartitionKey eq ${partitionKeyOf(integrationId)}`,
            select: ['RowKey', 'Timestamp'],
        },
    });
    const out: TokenCachePartitionInfo[] = [];
    for await (const row of rows) {
        out.push({
            homeAccountId: decodeTableKey(row.rowKey ?? ''),
            updatedOn: row.timestamp ? new Date(row.timestamp) : undefined,
        });
    }
    return out;
}

/** True if a row was deleted; false if there was none. */
export async function deleteTokenCachePartition(
    tableClient: TableClient,
    integrationId: string,
    homeAccountId: string,
): Promise<boolean> {
    try {
        await tableClient.deleteEntity(partitionKeyOf(integrationId), rowKeyOf(homeAccountId));
        return true;
    } catch (e) {
        if (restStatus(e) === 404) return false;
        throw e;
    }
}

/** Deletes every partition of the integration and only those; returns how many were deleted. */
export async function deleteIntegrationTokenCaches(tableClient: TableClient, integrationId: string): Promise<number> {
    let deleted = 0;
    for (const { homeAccountId } of await listTokenCachePartitions(tableClient, integrationId)) {
        if (await deleteTokenCachePartition(tableClient, integrationId, homeAccountId)) deleted++;
    }
    return deleted;
}
