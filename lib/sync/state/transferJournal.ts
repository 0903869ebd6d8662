import { restStatus } from '../../storage/restError';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { tableKey } from '../../storage/tables';
import type { TransferMessage, TransferRecord } from '../contracts';
import { phaseColumns, type TransferPhase } from './transferPhase';

/**
 * The transfer journal's row, as the transfer handler keeps it (lib/transfer/journal.ts): table
 * `Transfers`, PartitionKey the encoded drive id, RowKey the encoded transfer id, column `document`
 * = the TransferRecord (JSON), `message` = the TransferMessage (JSON, for replay). The handler adds
 * its checkpoint and lease columns; this side reads and writes only `document` and `message`.
 */
export interface JournalRow {
    partitionKey: string;
    rowKey: string;
    document: string;
    message?: string;
    /** The record's phase and time as columns, so GET .../transfers filters in the table (transferPhase.ts). */
    phase?: TransferPhase;
    updatedAt?: string;
}

/**
 * A finished transfer the sync engine has yet to fold (or re-plan) has a marker row beside its journal
 * row: same partition, RowKey '!fold!' + the transfer's key ('!' is outside tableKey's alphabet). So the
 * engine reads the markers as one key range, and the cost of a fold follows the transfers that
 * finished, not the journal of every transfer the drive ever had. The handler writes the marker in the
 * same transaction as the outcome; foldTransfers deletes it in the same transaction as the `folded` flag.
 */
const FOLD = '!fold!';
export const FOLD_RANGE = { from: FOLD, to: '!fold"' } as const;

export interface FoldMarker {
    partitionKey: string;
    rowKey: string;
}

export function foldMarker(driveId: string, transferId: string): FoldMarker {
    return { partitionKey: tableKey(driveId), rowKey: `${FOLD}${tableKey(transferId)}` };
}

/** The journal row key a marker stands for. */
export function markedRowKey(marker: Pick<FoldMarker, 'rowKey'>): string {
    return marker.rowKey.slice(FOLD.length);
}

/** Succeeded or skipped, and not folded yet: what a fold marker announces. */
export function awaitsFold(record: TransferRecord): boolean {
    return (record.state === 'succeeded' || record.state === 'skipped') && record.folded !== true;
}

export function journalKeys(driveId: string, transferId: string): Pick<JournalRow, 'partitionKey' | 'rowKey'> {
    return { partitionKey: tableKey(driveId), rowKey: tableKey(transferId) };
}

export function toJournalRow(record: TransferRecord, message?: TransferMessage): JournalRow {
    return {
        ...journalKeys(record.driveId, record.transferId),
        document: JSON.stringify(record),
        ...(message ? { message: JSON.stringify(message) } : {}),
        ...phaseColumns(record),
    };
}

/** Writes a journal row as the handler leaves it: with its fold marker when it awaits a fold (one transaction). */
export async function writeJournalRow(
    table: TableClient,
    record: TransferRecord,
    message?: TransferMessage,
): Promise<void> {
    const actions: TransactionAction[] = [['upsert', { ...toJournalRow(record, message) }, 'Replace']];
    if (awaitsFold(record)) actions.push(['upsert', { ...foldMarker(record.driveId, record.transferId) }, 'Replace']);
    await table.submitTransaction(actions);
}

export function recordOf(row: Pick<JournalRow, 'document'>): TransferRecord {
    return JSON.parse(row.document) as TransferRecord;
}

/**
 * Writes the `queued` row for a message before it is sent. Returns false when the row already
 * exists past `queued` (a redelivered sync message): the transfer is under way or done, so the
 * message must not be sent again.
 */
export async function journalQueued(services: Services, message: TransferMessage): Promise<boolean> {
    const table = await services.tables.get('transfers');
    try {
        await table.createEntity(toJournalRow(queuedRecord(message), message));
        return true;
    } catch (e) {
        if (restStatus(e) !== 409) throw e;
        const existing = await readJournalRow(table, message.driveId, message.transferId);
        return existing !== undefined && recordOf(existing).state === 'queued';
    }
}

/** A transfer's record before its first attempt: what journalQueued writes (one row, or many in a transaction). */
export function queuedRecord(message: TransferMessage): TransferRecord {
    return {
        transferId: message.transferId,
        driveId: message.driveId,
        runId: message.runId,
        actionId: message.actionId,
        direction: message.direction,
        platformPath: message.platformPath,
        state: 'queued',
        bytesDone: 0,
        bytesTotal: message.expected.size,
        attempts: 0,
        updatedAt: new Date().toISOString(),
    };
}

export async function readJournalRow(
    table: TableClient,
    driveId: string,
    transferId: string,
): Promise<(JournalRow & { etag: string }) | undefined> {
    const keys = journalKeys(driveId, transferId);
    try {
        return await table.getEntity<JournalRow>(keys.partitionKey, keys.rowKey);
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}
