import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { deletePartition } from '../../storage/partitions';
import { indexKey } from './baselineIndex';
import {
    forEachLimited,
    ITEM_ROWS_FROM,
    layoutOf,
    META,
    NEW_DRIVE_BUCKETS,
    readLayout,
    type MetaRow,
} from './baselineLayout';
import { toEntry, toRow, type BaselineRow } from './baselineRows';
import { BatchesByPartition } from './baselineStore';

/**
 * Moves a drive stored in the single-partition layout into buckets (baselineLayout.ts), at the start
 * of a run, under the drive's lease (every baseline writer holds it). Safe to kill at any line:
 * 1. copy: the buckets are emptied (copies a cut-short attempt left may since have gone stale), then
 *    every item row of the home partition is written into its bucket with a fresh index row, in the
 *    engine's batch transactions. The old index rows are not read: rebuilding them from the item rows
 *    also completes a drive whose index never was. Readers and writers still use the home partition.
 * 2. switch: one write of the meta row (count of the rows copied, `buckets`, `legacyRowsLeft`); from
 *    here every reader and writer uses the buckets.
 * 3. clear: the old item and index rows leave the home partition (meta and binding stay), then
 *    `legacyRowsLeft` is cleared. Killed before that, the next run finishes this step only.
 * Returns the item rows moved (0: nothing to do).
 */
export async function migrateBaselineLayout(services: Services, driveId: string): Promise<number> {
    const table = await services.tables.get('baselines');
    const { layout, meta } = await readLayout(services, driveId);
    if (layout.buckets > 1) {
        if (meta?.legacyRowsLeft) await clearLegacyRows(table, driveId);
        return 0;
    }
    const target = layoutOf(driveId, NEW_DRIVE_BUCKETS);
    for (const partition of target.partitions) await deletePartition(table, partition);
    const batches = new BatchesByPartition();
    const flush = (all: TransactionAction[][]) =>
        forEachLimited(all, 4, async (b) => void (await table.submitTransaction(b)));
    let count = 0;
    for await (const row of table.listEntities<BaselineRow>({
        queryOptions: { filter: odata`PartitionKey eq ${driveId} and RowKey ge ${ITEM_ROWS_FROM}` },
    })) {
        const e = toEntry(row);
        const partitionKey = target.partitionOf(e.remoteId);
        batches.add(partitionKey, [
            ['upsert', toRow(partitionKey, e), 'Replace'],
            ['upsert', { ...toRow(partitionKey, e), rowKey: indexKey(e) }, 'Replace'],
        ]);
        count++;
        await flush(batches.takeFull());
    }
    await flush(batches.all());
    await table.upsertEntity<MetaRow>(
        { partitionKey: driveId, rowKey: META, count, buckets: target.buckets, legacyRowsLeft: true },
        'Replace',
    );
    await clearLegacyRows(table, driveId);
    return count;
}

/** Deletes the home partition's index ('!' … '$') and item ('-' …) rows, then records that none are left. */
async function clearLegacyRows(table: TableClient, driveId: string): Promise<void> {
    let batch: TransactionAction[] = [];
    const flush = async () => {
        if (batch.length > 0) await table.submitTransaction(batch);
        batch = [];
    };
    for await (const row of table.listEntities<{ rowKey: string }>({
        queryOptions: {
            filter: odata`PartitionKey eq ${driveId} and (RowKey lt ${'$'} or RowKey ge ${ITEM_ROWS_FROM})`,
            select: ['RowKey'],
        },
    })) {
        batch.push(['delete', { partitionKey: driveId, rowKey: row.rowKey }]);
        if (batch.length === 100) await flush();
    }
    await flush();
    await table.updateEntity({ partitionKey: driveId, rowKey: META, legacyRowsLeft: false }, 'Merge');
}
