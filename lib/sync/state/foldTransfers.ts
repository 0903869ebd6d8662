import { tableKey } from '../../storage/tables';
import type { Services } from '../../runtime/services';
import type { TransferRecord } from '../contracts';
import type { BaselineEntry } from '../plan/types';
import { applyBaselineChanges } from './baselineStore';
import { JournalRow, recordOf } from './transferJournal';

type Pending = { row: JournalRow & { etag: string }; record: TransferRecord };

/**
 * Folds every succeeded, not yet folded transfer of a drive into the baseline, then marks it folded.
 * Runs before planning, so a file copied since the last sync is never mistaken for a change on both
 * sides. Idempotent: the baseline rows are written before the `folded` flag, so a crash in between
 * only folds the same result again. Returns how many transfers were folded.
 */
export async function foldTransfers(services: Services, driveId: string): Promise<number> {
    const table = await services.tables.get('transfers');
    // Only rows the transfer handler flagged on success: after a 100,000-file first sync the partition
    // keeps every journal row, and a run must not read them all again.
    const filter = `PartitionKey eq '${tableKey(driveId).replace(/'/g, "''")}' and pendingFold eq true`;
    const pending: Pending[] = [];
    for await (const row of table.listEntities<JournalRow>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'document'] } })) {
        const record = recordOf(row);
        if (record.state === 'succeeded' && record.result && record.folded !== true) pending.push({ row, record });
    }
    if (pending.length === 0) return 0;
    // Oldest first, so when two transfers touched the same item the later result wins.
    pending.sort((a, b) => a.record.updatedAt.localeCompare(b.record.updatedAt));
    await applyBaselineChanges(services, driveId, { upsert: pending.map((p) => toBaseline(p.record)), remove: [] });
    for (const { row, record } of pending) {
        // Conditional on the row as read: if it was rewritten meanwhile (a replay), the next fold decides.
        const document = JSON.stringify({ ...record, folded: true });
        await table.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, document, pendingFold: false }, 'Merge', { etag: row.etag }).catch((e: { statusCode?: number }) => {
            if (e.statusCode !== 412 && e.statusCode !== 404) throw e;
        });
    }
    return pending.length;
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
