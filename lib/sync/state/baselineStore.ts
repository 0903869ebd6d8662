import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { tableKey } from '../../storage/tables';
import type { BaselineEntry } from '../plan/types';

/**
 * The baseline (what both sides last agreed on), one row per item: table `Baselines`, PartitionKey
 * the drive id, RowKey the encoded Graph item id. A whole drive is one partition, so loading it is
 * one paged query and writes go in entity-group transactions (≤ 100 operations each).
 */
// A type alias (not an interface) so it fits the SDK's `Record<string, unknown>` entities.
type BaselineRow = {
    partitionKey: string;
    rowKey: string;
    remoteId: string;
    platformPath: string;
    isFolder: boolean;
    remoteETag: string;
    remoteCTag?: string;
    remoteHash?: string;
    remoteSize: number;
    platformETag?: string;
    platformSize: number;
    platformHash?: string;
};

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
    const rows = table.listEntities<BaselineRow>({ queryOptions: { filter: partitionFilter(driveId) } });
    for await (const row of rows) entries.push(toEntry(row));
    return entries;
}

/** One row, for the applier (a remote move keeps the row's platform side). */
export async function getBaselineEntry(services: Services, driveId: string, remoteId: string): Promise<BaselineEntry | undefined> {
    const table = await services.tables.get('baselines');
    try {
        return toEntry(await table.getEntity<BaselineRow>(driveId, tableKey(remoteId)));
    } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        throw e;
    }
}

/** A drive with no row has never completed a sync: the planner's `firstSync`. */
export async function hasBaseline(services: Services, driveId: string): Promise<boolean> {
    const table = await services.tables.get('baselines');
    const page = table.listEntities({ queryOptions: { filter: partitionFilter(driveId), select: ['RowKey'] } }).byPage({ maxPageSize: 1 });
    for await (const rows of page) return rows.length > 0;
    return false;
}

/**
 * Writes rows and removes others. A remote id in both lists is upserted (the newer fact). Deleting a
 * row that is already gone is fine, so the same changes can be applied twice (queue redelivery).
 */
export async function applyBaselineChanges(services: Services, driveId: string, changes: BaselineChanges): Promise<void> {
    const upserted = new Map(changes.upsert.map((e) => [e.remoteId, e]));
    const removed = [...new Set(changes.remove)].filter((id) => !upserted.has(id));
    if (upserted.size === 0 && removed.length === 0) return;
    const table = await services.tables.get('baselines');
    const actions: TransactionAction[] = [
        ...[...upserted.values()].map((e): TransactionAction => ['upsert', toRow(driveId, e), 'Replace']),
        ...removed.map((id): TransactionAction => ['delete', { partitionKey: driveId, rowKey: tableKey(id) }]),
    ];
    for (let i = 0; i < actions.length; i += BATCH) await submit(table, actions.slice(i, i + BATCH));
}

/** A delete of a missing row fails the whole transaction (404); then the batch is retried without deletes of missing rows. */
async function submit(table: TableClient, batch: TransactionAction[]): Promise<void> {
    try {
        await table.submitTransaction(batch);
    } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
        const present: TransactionAction[] = [];
        for (const action of batch) if (action[0] !== 'delete' || (await exists(table, action[1].partitionKey, action[1].rowKey))) present.push(action);
        if (present.length > 0) await table.submitTransaction(present);
    }
}

async function exists(table: TableClient, partitionKey: string, rowKey: string): Promise<boolean> {
    try {
        await table.getEntity(partitionKey, rowKey, { queryOptions: { select: ['RowKey'] } });
        return true;
    } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return false;
        throw e;
    }
}

function partitionFilter(driveId: string): string {
    return `PartitionKey eq '${driveId.replace(/'/g, "''")}'`;
}

function toRow(driveId: string, e: BaselineEntry): BaselineRow {
    // Table storage has no 'undefined': optional fields are simply left out.
    const row: BaselineRow = {
        partitionKey: driveId,
        rowKey: tableKey(e.remoteId),
        remoteId: e.remoteId,
        platformPath: e.platformPath,
        isFolder: e.isFolder,
        remoteETag: e.remoteETag,
        remoteSize: e.remoteSize,
        platformSize: e.platformSize,
    };
    if (e.remoteCTag !== undefined) row.remoteCTag = e.remoteCTag;
    if (e.remoteHash !== undefined) row.remoteHash = e.remoteHash;
    if (e.platformETag !== undefined) row.platformETag = e.platformETag;
    if (e.platformHash !== undefined) row.platformHash = e.platformHash;
    return row;
}

function toEntry(row: BaselineRow): BaselineEntry {
    const entry: BaselineEntry = {
        remoteId: row.remoteId,
        platformPath: row.platformPath,
        isFolder: row.isFolder,
        remoteETag: row.remoteETag,
        remoteSize: Number(row.remoteSize),
        platformSize: Number(row.platformSize),
    };
    if (row.remoteCTag) entry.remoteCTag = row.remoteCTag;
    if (row.remoteHash) entry.remoteHash = row.remoteHash;
    if (row.platformETag) entry.platformETag = row.platformETag;
    if (row.platformHash) entry.platformHash = row.platformHash;
    return entry;
}
