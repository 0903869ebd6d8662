import { restStatus } from '../../storage/restError';
import { tableKey } from '../../storage/tables';
import type { Services } from '../../runtime/services';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { TransferMessage, TransferRecord } from '../contracts';
import type { BaselineEntry } from '../plan/types';
import { parentPath } from '../plan/paths';
import { hasFolderRow } from './baselineIndex';
import { forEachLimited } from './baselineLayout';
import { applyBaselineChanges, loadBaselineRows } from './baselineStore';
import { awaitsFold, FOLD_RANGE, type FoldMarker, type JournalRow, markedRowKey, recordOf } from './transferJournal';

export type Pending = { row: JournalRow & { etag: string }; record: TransferRecord; marker: FoldMarker };

/** What the finished transfers mean for the next plan. */
export interface FoldResult {
    /** Succeeded transfers now in the baseline. */
    folded: number;
    /**
     * Skipped transfers (a side changed after planning): neither side's change is in the baseline, and
     * delta will not report an unchanged item again, so the run must look at these items once more.
     */
    replan: { remoteIds: string[]; uploads: number };
}

/**
 * Folds every succeeded, not yet folded transfer of a drive into the baseline, then marks it folded.
 * Runs before planning, so a file copied since the last sync is never mistaken for a change on both
 * sides. The transfers come from their fold markers (transferJournal.ts): one key range, as long as
 * what finished since the last run, not the drive's whole journal. Idempotent: the baseline rows are
 * written before the `folded` flag (which goes with the marker, in one transaction), so a crash in
 * between only folds the same result again. Skipped transfers are reported for re-planning (once).
 */
export async function foldTransfers(services: Services, driveId: string): Promise<FoldResult> {
    const table = await services.tables.get('transfers');
    const pending: Pending[] = [];
    const skipped: Pending[] = [];
    const partition = tableKey(driveId);
    const markers = table.listEntities<FoldMarker>({
        queryOptions: {
            filter: odata`PartitionKey eq ${partition} and RowKey ge ${FOLD_RANGE.from} and RowKey lt ${FOLD_RANGE.to}`,
        },
    });
    const marked: FoldMarker[] = [];
    for await (const marker of withUnmarked(table, partition, markers)) marked.push(marker);
    const rows = await journalRowsOf(table, partition, marked);
    for (const marker of marked) {
        const row = rows.get(markedRowKey(marker));
        const record = row ? recordOf(row) : undefined;
        if (!row || !record) {
            await table.deleteEntity(partition, marker.rowKey).catch(ignore412or404);
            continue;
        }
        if (record.state === 'succeeded' && record.result && record.folded !== true)
            pending.push({ row, record, marker });
        else if (awaitsFold(record)) skipped.push({ row, record, marker });
        // Replayed since (queued again): the marker is stale.
        else await retireMarker(table, row, marker, {});
    }
    const replan = replanOf(skipped);
    if (pending.length > 0) await foldSucceeded(services, driveId, pending);
    await markFolded(table, [...pending, ...skipped]);
    return { folded: pending.length, replan };
}

async function foldSucceeded(services: Services, driveId: string, pending: Pending[]): Promise<void> {
    // Oldest first, so when two transfers touched the same item the later result wins.
    pending.sort((a, b) => a.record.updatedAt.localeCompare(b.record.updatedAt));
    const rows = pending.map((p) => toBaseline(p.record));
    const old = await loadBaselineRows(
        services,
        driveId,
        rows.map((r) => r.remoteId),
    );
    for (const row of rows) {
        const before = old.get(row.remoteId);
        if (
            before &&
            parentPath(before.platformPath) !== parentPath(row.platformPath) &&
            !(await hasFolderRow(services, driveId, parentPath(row.platformPath)))
        ) {
            // Copied into a folder whose own move is not in the baseline (it failed on the other side):
            // the row stays where its folder is recorded, so the next plan sees that folder's move again,
            // with this file inside, instead of a file under a folder it does not know.
            row.platformPath = before.platformPath;
        }
    }
    await applyBaselineChanges(services, driveId, { upsert: rows, remove: [] }, { rows: old, complete: false });
}

/** Transfers per transaction: two operations each, and a transaction takes at most 100. */
const FOLDS_PER_TRANSACTION = 50;

/**
 * Each transfer's `folded` flag and its marker's removal in one transaction, fifty transfers to a
 * transaction (they share the drive's journal partition), a few transactions at once: a first sync's
 * 2,000 downloads fold in 40 transactions instead of 2,000 awaited one after another. Every update
 * is conditional on the row as read; when one row changed meanwhile the whole transaction fails, and
 * its transfers are retired one by one, so only the changed row keeps its marker for the next fold.
 */
export async function markFolded(table: TableClient, folds: readonly Pending[]): Promise<void> {
    const chunks: Pending[][] = [];
    for (let at = 0; at < folds.length; at += FOLDS_PER_TRANSACTION)
        chunks.push(folds.slice(at, at + FOLDS_PER_TRANSACTION));
    await forEachLimited(chunks, 4, async (chunk) => {
        try {
            await table.submitTransaction(chunk.flatMap((p) => retireActions(p.row, p.marker, foldedColumns(p))));
        } catch (e) {
            if (restStatus(e) !== 412 && restStatus(e) !== 404) throw e;
            for (const p of chunk) await retireMarker(table, p.row, p.marker, foldedColumns(p));
        }
    });
}

function foldedColumns({ record }: Pending): Partial<JournalRow> {
    return { document: JSON.stringify({ ...record, folded: true }) };
}

/**
 * Removes a marker together with a change to its journal row, conditional on the row as read: a new
 * outcome (which writes the row and its marker together) or a replay meanwhile fails the transaction
 * with 412, the marker stays and the next fold decides.
 */
async function retireMarker(
    table: TableClient,
    row: JournalRow & { etag: string },
    marker: FoldMarker,
    change: Partial<JournalRow>,
): Promise<void> {
    await table.submitTransaction(retireActions(row, marker, change)).catch(ignore412or404);
}

function retireActions(
    row: JournalRow & { etag: string },
    marker: FoldMarker,
    change: Partial<JournalRow>,
): TransactionAction[] {
    return [
        ['update', { partitionKey: row.partitionKey, rowKey: row.rowKey, ...change }, 'Merge', { etag: row.etag }],
        ['delete', { partitionKey: marker.partitionKey, rowKey: marker.rowKey }],
    ];
}

/**
 * Journals written before fold markers flagged finished transfers with a `pendingFold` column instead:
 * the first fold after the upgrade finds those once (a scan of the partition), gives each a marker,
 * and records that the drive's journal is marked throughout.
 */
async function* withUnmarked(
    table: TableClient,
    partition: string,
    markers: AsyncIterable<FoldMarker>,
): AsyncGenerator<FoldMarker> {
    const seen = `${table.tableName}/${partition}`;
    if (!markedDrives.has(seen) && !(await getRow(table, partition, MARKED))) {
        for await (const row of table.listEntities<{ rowKey: string }>({
            queryOptions: { filter: odata`PartitionKey eq ${partition} and pendingFold eq true`, select: ['RowKey'] },
        })) {
            await table.upsertEntity({ partitionKey: partition, rowKey: `${FOLD_RANGE.from}${row.rowKey}` }, 'Replace');
        }
        await table.upsertEntity({ partitionKey: partition, rowKey: MARKED, document: '{}' }, 'Replace');
    }
    markedDrives.add(seen);
    yield* markers;
}

/** Drives this process has seen marked: the check costs a read only once per drive and process. */
const markedDrives = new Set<string>();

/**
 * The journal rows the markers stand for. Transfer ids start with their run's id, so the rows of a run
 * with many finished transfers (a first sync's thousands of downloads) are read as one key range, and
 * a few stragglers one by one.
 */
async function journalRowsOf(
    table: TableClient,
    partition: string,
    markers: readonly FoldMarker[],
): Promise<Map<string, JournalRow & { etag: string }>> {
    const byRun = new Map<string, string[]>();
    for (const m of markers) {
        const key = markedRowKey(m);
        const run = key.slice(0, Math.max(0, key.indexOf('.')));
        const keys = byRun.get(run) ?? [];
        keys.push(key);
        byRun.set(run, keys);
    }
    const rows = new Map<string, JournalRow & { etag: string }>();
    for (const [run, keys] of byRun) {
        if (run === '' || keys.length <= 10) {
            for (const key of keys) {
                const row = await getRow(table, partition, key);
                if (row) rows.set(key, row);
            }
            continue;
        }
        const wanted = new Set(keys);
        // '/' follows '.': the range holds exactly the keys `<run>.…`.
        for await (const row of table.listEntities<JournalRow>({
            queryOptions: {
                filter: odata`PartitionKey eq ${partition} and RowKey ge ${`${run}.`} and RowKey lt ${`${run}/`}`,
            },
        })) {
            if (wanted.has(row.rowKey)) rows.set(row.rowKey, row as JournalRow & { etag: string });
        }
    }
    return rows;
}

/** Present once the drive's journal has a marker for every transfer awaiting a fold. */
const MARKED = '$marked';

async function getRow(
    table: TableClient,
    partition: string,
    rowKey: string,
): Promise<(JournalRow & { etag: string }) | undefined> {
    try {
        return await table.getEntity<JournalRow>(partition, rowKey);
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

function ignore412or404(e: unknown): void {
    if (restStatus(e) !== 412 && restStatus(e) !== 404) throw e;
}

function replanOf(skipped: Pending[]): FoldResult['replan'] {
    const remoteIds = new Set<string>();
    let uploads = 0;
    for (const { row, record } of skipped) {
        if (record.direction === 'upload') uploads++;
        const itemId = row.message ? (JSON.parse(row.message) as TransferMessage).remote.itemId : undefined;
        if (itemId) remoteIds.add(itemId);
    }
    return { remoteIds: [...remoteIds], uploads };
}

export function toBaseline(record: TransferRecord): BaselineEntry {
    const r = record.result as NonNullable<TransferRecord['result']>;
    const entry: BaselineEntry = {
        remoteId: r.remoteId,
        platformPath: record.platformPath,
        isFolder: false,
        remoteETag: r.remoteETag,
        remoteSize: r.remoteSize,
        platformETag: r.platformETag,
        platformSize: r.platformSize,
    };
    if (r.remoteCTag) entry.remoteCTag = r.remoteCTag;
    if (r.remoteHash) entry.remoteHash = r.remoteHash;
    if (r.platformHash) entry.platformHash = r.platformHash;
    return entry;
}
