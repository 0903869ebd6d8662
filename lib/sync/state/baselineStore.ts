import { restStatus } from '../../storage/restError';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { tableKey } from '../../storage/tables';
import type { BaselineEntry } from '../plan/types';
import { adjustCount, indexKey } from './baselineIndex';
import { forEachLimited, hasRowsFrom, ITEM_ROWS_FROM, readLayout, type BaselineLayout } from './baselineLayout';
import { toEntry, toRow, type BaselineRow } from './baselineRows';
import { voidListingDigests } from './listingDigests';

/**
 * The baseline (what both sides last agreed on), one row per item: table `Baselines`, RowKey the
 * encoded Graph item id, PartitionKey one of the drive's buckets (baselineLayout.ts: why, and older
 * single-partition drives). Writes go in entity-group transactions (≤ 100 operations, one partition
 * each), the partitions' transactions in parallel.
 *
 * Beside each row, in the same partition, a copy keyed by its case-folded path (baselineIndex.ts):
 * an incremental run reads the rows around its changes by key range instead of the whole drive.
 * An item's row and its index row change in one transaction, so a crash never separates them.
 * Key space: item rows start at '-' (tableKey's alphabet), index rows with '!', the meta row is '$meta'.
 */
export interface BaselineChanges {
    upsert: BaselineEntry[];
    /** Remote ids whose rows go. */
    remove: string[];
}

/** Azure's limit on operations in one entity-group transaction. */
const BATCH = 100;
/** Transactions or queries in flight for one call. */
const LANES = 4;

/** The whole baseline (a full-load run): every partition, in remote-id key order as one partition returned it. */
export async function loadBaseline(services: Services, driveId: string): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    const rows: { key: string; entry: BaselineEntry }[] = [];
    await forEachLimited(layout.partitions, LANES, async (partition) => {
        for await (const row of table.listEntities<BaselineRow>({
            queryOptions: { filter: odata`PartitionKey eq ${partition} and RowKey ge ${ITEM_ROWS_FROM}` },
        }))
            rows.push({ key: row.rowKey, entry: toEntry(row) });
    });
    if (layout.partitions.length > 1) rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return rows.map((r) => r.entry);
}

/**
 * The whole baseline a page at a time (Table Storage's pages: up to 1,000 rows), partition after
 * partition: a reconciliation listing reads the drive through without holding it (remote/listingChanges.ts).
 */
export async function* streamBaseline(services: Services, driveId: string): AsyncGenerator<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    for (const partition of layout.partitions) {
        const pages = table
            .listEntities<BaselineRow>({
                queryOptions: { filter: odata`PartitionKey eq ${partition} and RowKey ge ${ITEM_ROWS_FROM}` },
            })
            .byPage({ maxPageSize: 1000 });
        for await (const rows of pages) if (rows.length > 0) yield rows.map(toEntry);
    }
}

/** Rows by remote id (missing ids are simply absent), 14 ids of one partition per query (Table Storage allows 15 comparisons). */
export async function loadBaselineRows(
    services: Services,
    driveId: string,
    ids: Iterable<string>,
): Promise<Map<string, BaselineEntry>> {
    return rowsById(services, (await readLayout(services, driveId)).layout, ids);
}

async function rowsById(
    services: Services,
    layout: BaselineLayout,
    ids: Iterable<string>,
): Promise<Map<string, BaselineEntry>> {
    const table = await services.tables.get('baselines');
    const byPartition = new Map<string, string[]>();
    for (const id of new Set(ids)) {
        const partition = layout.partitionOf(id);
        const list = byPartition.get(partition);
        if (list) list.push(id);
        else byPartition.set(partition, [id]);
    }
    const chunks: { partition: string; ids: string[] }[] = [];
    for (const [partition, all] of byPartition)
        for (let at = 0; at < all.length; at += 14) chunks.push({ partition, ids: all.slice(at, at + 14) });
    const out = new Map<string, BaselineEntry>();
    await forEachLimited(chunks, LANES, async (chunk) => {
        const keys = chunk.ids.map((id) => `RowKey eq '${tableKey(id)}'`).join(' or ');
        for await (const row of table.listEntities<BaselineRow>({
            queryOptions: { filter: `${partitionFilter(chunk.partition)} and (${keys})` },
        }))
            out.set(row.remoteId, toEntry(row));
    });
    return out;
}

/** One row, for the applier (a remote move keeps the row's platform side). */
export async function getBaselineEntry(
    services: Services,
    driveId: string,
    remoteId: string,
): Promise<BaselineEntry | undefined> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    try {
        return toEntry(await table.getEntity<BaselineRow>(layout.partitionOf(remoteId), tableKey(remoteId)));
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** A drive with no row has never completed a sync: the planner's `firstSync`. */
export async function hasBaseline(services: Services, driveId: string): Promise<boolean> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    for (const partition of layout.partitions) if (await hasRowsFrom(table, partition, ITEM_ROWS_FROM)) return true;
    return false;
}

/** What a writer already knows the rows are: `complete` when an id missing from `rows` has no row. */
export interface KnownRows {
    rows: ReadonlyMap<string, BaselineEntry>;
    complete: boolean;
}

/**
 * Writes rows and removes others, with their index rows. A remote id in both lists is upserted (the
 * newer fact). The old rows (whose index keys may change) come from `known` where it has them, and
 * are read otherwise. Deleting a row that is already gone is fine, so the same changes can be applied
 * twice (queue redelivery). Each partition's actions go in its own transactions, several partitions
 * at once: an item's rows never straddle two transactions, and items are independent of each other.
 */
export async function applyBaselineChanges(
    services: Services,
    driveId: string,
    changes: BaselineChanges,
    known?: KnownRows,
): Promise<void> {
    const upserted = new Map(changes.upsert.map((e) => [e.remoteId, e]));
    const removed = [...new Set(changes.remove)].filter((id) => !upserted.has(id));
    if (upserted.size === 0 && removed.length === 0) return;
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    const before = await rowsBefore(services, layout, [...upserted.keys(), ...removed], known);
    const batches = new BatchesByPartition();
    let added = 0;
    for (const e of upserted.values()) {
        const partitionKey = layout.partitionOf(e.remoteId);
        const old = before.get(e.remoteId);
        const actions: TransactionAction[] = [
            ['upsert', toRow(partitionKey, e), 'Replace'],
            ['upsert', { ...toRow(partitionKey, e), rowKey: indexKey(e) }, 'Replace'],
        ];
        if (old && indexKey(old) !== indexKey(e)) actions.push(['delete', { partitionKey, rowKey: indexKey(old) }]);
        if (!old) added++;
        batches.add(partitionKey, actions);
    }
    for (const id of removed) {
        const partitionKey = layout.partitionOf(id);
        const old = before.get(id);
        batches.add(partitionKey, [
            ['delete', { partitionKey, rowKey: tableKey(id) }],
            ...(old ? [['delete', { partitionKey, rowKey: indexKey(old) }] as TransactionAction] : []),
        ]);
        if (old) added--;
    }
    // The folders these rows leave or enter are no longer what a listing run found equal (listingDigests.ts).
    await voidListingDigests(
        services,
        driveId,
        touchedRows(upserted.values(), before, [...upserted.keys(), ...removed]),
    );
    await forEachLimited(batches.all(), LANES, (batch) => submit(table, batch));
    if (added !== 0) await adjustCount(table, driveId, added);
}

/** The rows as written and as they were before, for the ids written. */
function* touchedRows(
    written: Iterable<BaselineEntry>,
    before: ReadonlyMap<string, BaselineEntry>,
    ids: readonly string[],
): Iterable<BaselineEntry> {
    yield* written;
    for (const id of ids) {
        const old = before.get(id);
        if (old) yield old;
    }
}

/** Transactions of ≤ 100 actions per partition; one item's actions always in one of them. */
export class BatchesByPartition {
    private readonly open = new Map<string, TransactionAction[]>();
    private readonly full: TransactionAction[][] = [];

    add(partitionKey: string, actions: readonly TransactionAction[]): void {
        let batch = this.open.get(partitionKey);
        if (batch && batch.length + actions.length > BATCH) {
            this.full.push(batch);
            batch = undefined;
        }
        if (!batch) this.open.set(partitionKey, (batch = []));
        batch.push(...actions);
    }

    /** The full transactions so far, handed over (a streaming writer submits them as they fill). */
    takeFull(): TransactionAction[][] {
        return this.full.splice(0);
    }

    all(): TransactionAction[][] {
        const out = [...this.full, ...[...this.open.values()].filter((b) => b.length > 0)];
        this.full.length = 0;
        this.open.clear();
        return out;
    }
}

/** A delete of a missing row fails the whole transaction (404); then the batch is retried without deletes of missing rows. */
export async function submit(table: TableClient, batch: TransactionAction[]): Promise<void> {
    try {
        await table.submitTransaction(batch);
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
        const present: TransactionAction[] = [];
        for (const action of batch)
            if (action[0] !== 'delete' || (await exists(table, action[1].partitionKey, action[1].rowKey)))
                present.push(action);
        if (present.length > 0) await table.submitTransaction(present);
    }
}

async function exists(table: TableClient, partitionKey: string, rowKey: string): Promise<boolean> {
    try {
        await table.getEntity(partitionKey, rowKey, { queryOptions: { select: ['RowKey'] } });
        return true;
    } catch (e) {
        if (restStatus(e) === 404) return false;
        throw e;
    }
}

async function rowsBefore(
    services: Services,
    layout: BaselineLayout,
    ids: string[],
    known: KnownRows | undefined,
): Promise<ReadonlyMap<string, BaselineEntry>> {
    if (known?.complete) return known.rows;
    const missing = known ? ids.filter((id) => !known.rows.has(id)) : ids;
    const read = await rowsById(services, layout, missing);
    if (!known) return read;
    return new Map([...known.rows, ...read]);
}

function partitionFilter(partitionKey: string): string {
    return `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'`;
}
