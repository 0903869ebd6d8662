import type { TableClient, TransactionAction } from '@azure/data-tables';

/**
 * Deletes every row of a partition, 100 per transaction (a transaction stays inside one partition).
 * Only the keys are read. Returns how many rows went.
 */
export async function deletePartition(table: TableClient, partitionKey: string): Promise<number> {
    let deleted = 0;
    let batch: TransactionAction[] = [];
    const flush = async (): Promise<void> => {
        if (batch.length) await table.submitTransaction(batch);
        deleted += batch.length;
        batch = [];
    };
    for await (const row of table.listEntities<{ rowKey: string }>({
        queryOptions: { filter: `PartitionKey eq '${partitionKey}'`, select: ['RowKey'] },
    })) {
        batch.push(['delete', { partitionKey, rowKey: row.rowKey }]);
        if (batch.length === 100) await flush();
    }
    await flush();
    return deleted;
}
