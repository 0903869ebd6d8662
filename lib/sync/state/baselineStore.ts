import { restStatus } from '../../storage/restError';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { tableKey } from '../../storage/tables';
import type { BaselineEntry } from '../plan/types';
import { adjustCount, indexKey, ITEM_ROWS_FROM } from './baselineIndex';
import { toEntry, toRow, type BaselineRow } from './baselineRows';

/**
 * The baseline (what both sides last agreed on), one row per item: table `Baselines`, PartitionKey
 * the drive id, RowKey the encoded Graph item id. A whole drive is one partition, so loading it is
 * one paged query and writes go in entity-group transactions (≤ 100 operations each).
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

export async function loadBaseline(services: Services, driveId: string): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const entries: BaselineEntry[] = [];
    const rows = table.listEntities<BaselineRow>({
        queryOptions: { filter: odata`PartitionKey eq ${driveId} and RowKey ge ${ITEM_ROWS_FROM}` },
    });
    for await (const row of rows) entries.push(toEntry(row));
    return entries;
}

/** Rows by remote id (missing ids are simply absent), 14 ids per query (Table Storage allows 15 comparisons). */
export async function loadBaselineRows(
    services: Services,
    driveId: string,
    ids: Iterable<string>,
): Promise<Map<string, BaselineEntry>> {
    const table = await services.tables.get('baselines');
    const all = [...new Set(ids)];
    const out = new Map<string, BaselineEntry>();
    const chunks: string[][] = [];
    for (let at = 0; at < all.length; at += 14) chunks.push(all.slice(at, at + 14));
    await forEachLimited(chunks, 4, async (chunk) => {
        const keys = chunk.map((id) => `RowKey eq '${tableKey(id)}'`).join(' or ');
        for await (const row of table.listEntities<BaselineRow>({
            queryOptions: { filter: `${partitionFilter(driveId)} and (${keys})` },
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
    try {
        return toEntry(await table.getEntity<BaselineRow>(driveId, tableKey(remoteId)));
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** A drive with no row has never completed a sync: the planner's `firstSync`. */
export async function hasBaseline(services: Services, driveId: string): Promise<boolean> {
    const table = await services.tables.get('baselines');
    const page = table
        .listEntities({
            queryOptions: {
                filter: odata`PartitionKey eq ${driveId} and RowKey ge ${ITEM_ROWS_FROM}`,
                select: ['RowKey'],
            },
        })
        .byPage({ maxPageSize: 1 });
    for await (const rows of page) return rows.length > 0;
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
 * twice (queue redelivery).
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
    const before = await rowsBefore(services, driveId, [...upserted.keys(), ...removed], known);
    const items: TransactionAction[][] = [];
    let added = 0;
    for (const e of upserted.values()) {
        const old = before.get(e.remoteId);
        const actions: TransactionAction[] = [
            ['upsert', toRow(driveId, e), 'Replace'],
            ['upsert', { ...toRow(driveId, e), rowKey: indexKey(e) }, 'Replace'],
        ];
        if (old && indexKey(old) !== indexKey(e))
            actions.push(['delete', { partitionKey: driveId, rowKey: indexKey(old) }]);
        if (!old) added++;
        items.push(actions);
    }
    for (const id of removed) {
        const old = before.get(id);
        items.push([
            ['delete', { partitionKey: driveId, rowKey: tableKey(id) }],
            ...(old ? [['delete', { partitionKey: driveId, rowKey: indexKey(old) }] as TransactionAction] : []),
        ]);
        if (old) added--;
    }
    // An item's actions never straddle two transactions.
    let batch: TransactionAction[] = [];
    for (const actions of items) {
        if (batch.length + actions.length > BATCH) {
            await submit(table, batch);
            batch = [];
        }
        batch.push(...actions);
    }
    if (batch.length) await submit(table, batch);
    if (added !== 0) await adjustCount(table, driveId, added);
}

/** A delete of a missing row fails the whole transaction (404); then the batch is retried without deletes of missing rows. */
async function submit(table: TableClient, batch: TransactionAction[]): Promise<void> {
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
    driveId: string,
    ids: string[],
    known: KnownRows | undefined,
): Promise<ReadonlyMap<string, BaselineEntry>> {
    if (known?.complete) return known.rows;
    const missing = known ? ids.filter((id) => !known.rows.has(id)) : ids;
    const read = await loadBaselineRows(services, driveId, missing);
    if (!known) return read;
    return new Map([...known.rows, ...read]);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) await work(items[next++] as T);
    });
    await Promise.all(lanes);
}

function partitionFilter(driveId: string): string {
    return `PartitionKey eq '${driveId.replace(/'/g, "''")}'`;
}
