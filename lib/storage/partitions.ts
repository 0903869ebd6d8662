import type { TableClient, TransactionAction } from '@azure/data-tables';
import { restStatus } from './restError';

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

/** How much a bounded delete may still do: asked before each chunk, told after it. */
export interface DeleteBudget {
    /** How many more rows may be deleted now (0: stop here). */
    left(): number;
    /** Counts a chunk just deleted. */
    spend(rows: number): void;
}

/** A chunk: at most one transaction's worth of keys, queried afresh each time. */
const CHUNK = 100;

/**
 * Deletes the rows `filter` selects, a chunk of at most 100 at a time (one entity-group transaction
 * per partition in the chunk), while the budget lasts (never more rows than it allows). Each chunk is queried afresh (keys only), so
 * a call that stopped or was killed at any line is simply continued by the next: what it deleted is
 * gone, what it did not is found again. A row that vanished meanwhile (another deleter) fails its
 * transaction with 404; that chunk then goes row by row. `finished`: the filter selects nothing now.
 */
export async function deleteRowsInChunks(
    table: TableClient,
    filter: string,
    budget: DeleteBudget,
): Promise<{ deleted: number; finished: boolean }> {
    let deleted = 0;
    for (let left = budget.left(); left > 0; left = budget.left()) {
        const keys = await firstKeys(table, filter, Math.min(CHUNK, left));
        if (keys.length === 0) return { deleted, finished: true };
        const byPartition = new Map<string, string[]>();
        for (const k of keys) byPartition.set(k.partitionKey, [...(byPartition.get(k.partitionKey) ?? []), k.rowKey]);
        for (const [partitionKey, rowKeys] of byPartition) await deleteKeys(table, partitionKey, rowKeys);
        deleted += keys.length;
        budget.spend(keys.length);
    }
    return { deleted, finished: false };
}

async function firstKeys(
    table: TableClient,
    filter: string,
    count: number,
): Promise<{ partitionKey: string; rowKey: string }[]> {
    const pages = table
        .listEntities<{ partitionKey: string; rowKey: string }>({
            queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
        })
        .byPage({ maxPageSize: count });
    // A page may come back empty with a continuation (Azure): only rows or the end decide.
    for await (const page of pages) if (page.length > 0) return page.slice(0, count);
    return [];
}

async function deleteKeys(table: TableClient, partitionKey: string, rowKeys: readonly string[]): Promise<void> {
    try {
        await table.submitTransaction(rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]));
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
        for (const rowKey of rowKeys)
            await table.deleteEntity(partitionKey, rowKey).catch((f: unknown) => {
                if (restStatus(f) !== 404) throw f;
            });
    }
}
