import { tableKey } from '../../storage/tables';
import type { Services } from '../../runtime/services';
import type { TableClient } from '@azure/data-tables';
import type { TransferMessage, TransferRecord } from '../contracts';
import type { BaselineEntry } from '../plan/types';
import { applyBaselineChanges } from './baselineStore';
import { JournalRow, recordOf } from './transferJournal';

type Pending = { row: JournalRow & { etag: string }; record: TransferRecord };

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
 * sides. Idempotent: the baseline rows are written before the `folded` flag, so a crash in between
 * only folds the same result again. Skipped transfers are reported for re-planning (and marked, so
 * once only).
 */
export async function foldTransfers(services: Services, driveId: string): Promise<FoldResult> {
    const table = await services.tables.get('transfers');
    // Only rows the transfer handler flagged on success: after a 100,000-file first sync the partition
    // keeps every journal row, and a run must not read them all again.
    const filter = `PartitionKey eq '${tableKey(driveId).replace(/'/g, "''")}' and pendingFold eq true`;
    const pending: Pending[] = [];
    const skipped: Pending[] = [];
    for await (const row of table.listEntities<JournalRow>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'document', 'message'] } })) {
        const record = recordOf(row);
        if (record.folded === true) continue;
        if (record.state === 'succeeded' && record.result) pending.push({ row, record });
        else if (record.state === 'skipped') skipped.push({ row, record });
    }
    const replan = replanOf(skipped);
    if (pending.length > 0) await foldSucceeded(services, driveId, pending);
    for (const p of [...pending, ...skipped]) await markFolded(table, p);
    return { folded: pending.length, replan };
}

async function foldSucceeded(services: Services, driveId: string, pending: Pending[]): Promise<void> {
    // Oldest first, so when two transfers touched the same item the later result wins.
    pending.sort((a, b) => a.record.updatedAt.localeCompare(b.record.updatedAt));
    await applyBaselineChanges(services, driveId, { upsert: pending.map((p) => toBaseline(p.record)), remove: [] });
}

/** Conditional on the row as read: if it was rewritten meanwhile (a replay), the next fold decides. */
async function markFolded(table: TableClient, { row, record }: Pending): Promise<void> {
    const document = JSON.stringify({ ...record, folded: true });
    await table.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, document, pendingFold: false }, 'Merge', { etag: row.etag }).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 412 && e.statusCode !== 404) throw e;
    });
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
