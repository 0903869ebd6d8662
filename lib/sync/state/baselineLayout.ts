import { odata, type TableClient } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { restStatus } from '../../storage/restError';

/**
 * Which Table partitions hold a drive's baseline. A drive is spread over `buckets` partitions
 * `<drive id>~b<nn>`, an item's bucket a hash of its remote id; its path-index row lives in the same
 * bucket as its item row, so the two still change in one entity-group transaction (a crash never
 * separates them). The drive's own partition (`<drive id>`, "home") keeps the `$meta` row (item
 * count and this layout) and the `$graph` binding.
 *
 * Why buckets of the remote id, 16 of them:
 * - Writes scale. Azure's target for one partition is 2,000 entities/s; with two entities per item a
 *   single-partition drive tops out near 1,000 items/s, below a first sync's 2,000. Sixteen partitions
 *   give 32,000 entities/s of partition targets, above the storage account's own 20,000 entities/s,
 *   so more buckets would not make a drive faster on Azure. Azurite (LokiJS) finds every entity it
 *   writes by scanning the entity's partition, so a partition's size is what its writes cost: spread
 *   over 16, a 100,000-item drive is 12,500 entities a partition instead of 200,000
 *   (`bench/sync/tableWrites.ts` times both).
 * - Lookup by remote id stays one point read: the id names its bucket.
 * - Moves stay atomic: the bucket does not depend on the path, so a rename or move rewrites the
 *   item's rows inside one partition. Bucketing by parent folder would make a folder one query, but
 *   a move would then cross partitions, outside any transaction.
 * - What it costs: a folder's children are one key range in every bucket, so a listing run reads a
 *   folder in 16 queries (issued in parallel) instead of one, and an incremental run's index ranges
 *   likewise; storage transactions of a listing run stay proportional to its folders, times 16.
 *   Sixteen is the smallest power of two whose partition targets exceed the account's. Locally the fan-out
 *   costs more than on Azure: Azurite answers every query by scanning the whole table (its LokiJS
 *   `where`), so 16 range queries are 16 table scans (bench:sync's listing-run figures show it).
 *
 * Drives stored before this layout are one partition (the drive id), item and index rows beside the
 * meta row: a meta row without `buckets`, or no meta row but item rows in the home partition. They
 * keep working as a layout of one bucket, and migrate (baselineMigration.ts) at their next run that
 * reads the baseline (not a dry run, not a run that finds nothing changed).
 * The hash is part of the stored format: changing it would misplace every stored row.
 */
export interface BaselineLayout {
    driveId: string;
    /** 1: the single-partition layout of older drives (the home partition holds the rows). */
    buckets: number;
    partitions: readonly string[];
    partitionOf(remoteId: string): string;
}

/** Buckets of a drive whose baseline starts now (recorded in its meta row, so it can change for new drives only). */
export const NEW_DRIVE_BUCKETS = 16;
export const META = '$meta';
/** Item rows start at '-' (tableKey's alphabet); index rows at '!'; '$' rows (meta, binding) sort between. */
export const ITEM_ROWS_FROM = '-';
export const INDEX = '!';

export interface MetaRow {
    partitionKey: string;
    rowKey: string;
    count: number;
    /** Absent on drives stored before the bucketed layout (one partition). */
    buckets?: number;
    /** Set between a migration's switch to buckets and the removal of the old single-partition rows. */
    legacyRowsLeft?: boolean;
}

export function layoutOf(driveId: string, buckets: number): BaselineLayout {
    if (buckets <= 1) return { driveId, buckets: 1, partitions: [driveId], partitionOf: () => driveId };
    const partitions = Array.from({ length: buckets }, (_, b) => `${driveId}~b${b.toString(16).padStart(2, '0')}`);
    return { driveId, buckets, partitions, partitionOf: (remoteId) => partitions[bucketOf(remoteId, buckets)]! };
}

/** FNV-1a (32 bits) of the id's UTF-16 code units: stable, cheap, and spreads Graph's sequential ids evenly. */
export function bucketOf(remoteId: string, buckets: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < remoteId.length; i++) {
        h ^= remoteId.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) % buckets;
}

export interface StoredLayout {
    layout: BaselineLayout;
    /** The meta row, when there is one (no meta row: the drive's index or count is not complete yet). */
    meta?: MetaRow;
}

/**
 * The drive's layout from its meta row (one point read); without one, a drive whose home partition
 * holds item rows is an older single-partition drive, and any other starts bucketed.
 */
export async function readLayout(services: Services, driveId: string): Promise<StoredLayout> {
    const table = await services.tables.get('baselines');
    const meta = await readMeta(table, driveId);
    if (meta) return { layout: layoutOf(driveId, Number(meta.buckets ?? 1)), meta };
    const legacy = await hasRowsFrom(table, driveId, ITEM_ROWS_FROM);
    return { layout: layoutOf(driveId, legacy ? 1 : NEW_DRIVE_BUCKETS) };
}

export async function readMeta(table: TableClient, driveId: string): Promise<MetaRow | undefined> {
    try {
        return await table.getEntity<MetaRow>(driveId, META);
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** Whether the partition has a row at or after `from` (item rows: the last key range). */
export async function hasRowsFrom(table: TableClient, partitionKey: string, from: string): Promise<boolean> {
    const pages = table
        .listEntities({
            queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and RowKey ge ${from}`, select: ['RowKey'] },
        })
        .byPage({ maxPageSize: 1 });
    // A page may come back empty with a continuation (Azure): only a row or the end decides.
    for await (const rows of pages) if (rows.length > 0) return true;
    return false;
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(
    items: readonly T[],
    limit: number,
    work: (item: T) => Promise<void>,
): Promise<void> {
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) await work(items[next++] as T);
    });
    await Promise.all(lanes);
}
