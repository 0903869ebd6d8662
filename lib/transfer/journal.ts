import { restStatus } from '../storage/restError';
import { odata, type TableClient } from '@azure/data-tables';
import { foldMarker, type FoldMarker } from '../sync/state/transferJournal';
import type { TransferMessage, TransferRecord, TransferState } from '../sync/contracts';
import { tableKey } from '../storage/tables';
import { phaseColumns, type TransferPhase } from '../sync/state/transferPhase';
import type { Checkpoint } from './checkpoint';

/**
 * The transfer journal: one row per transfer (PartitionKey driveId, RowKey transferId), column
 * `document` = the TransferRecord the sync engine reads, `message` = the message (for replay),
 * `checkpoint` = progress, `leaseOwner`/`leaseUntil` = who is working on it. Every write after the
 * claim is conditional on the ETag of our previous write: an invocation that lost its lease finds
 * out at its next checkpoint ({@link LeaseLost}) and stops, so two workers never both finish a file.
 */
interface Row {
    partitionKey: string;
    rowKey: string;
    document: string;
    message: string;
    checkpoint?: string;
    leaseOwner?: string;
    leaseUntil?: number;
    /** Columns for GET .../transfers (lib/sync/state/transferPhase.ts): rewritten with every document. */
    phase?: TransferPhase;
    updatedAt?: string;
}

export interface Owner {
    /** The queue message id; a redelivery of the same message may take over its own stale lease. */
    messageId: string;
    dequeueCount: number;
    invocationId: string;
}

export class LeaseLost extends Error {
    constructor() {
        super('Another invocation took over this transfer.');
        this.name = 'LeaseLost';
    }
}

export type Claim =
    | { kind: 'done'; record: TransferRecord }
    /** No row, and `mayCreate` said no (the drive was removed: its journal is purged, not written back). */
    | { kind: 'gone' }
    | { kind: 'busy'; until: number }
    | { kind: 'claimed'; entry: JournalEntry };

const TERMINAL: TransferState[] = ['succeeded', 'failed', 'skipped'];

/**
 * `prefetched`: the row as a batch read it a moment ago (readRows), saving this claim its own read;
 * `null` when the batch found none. Only the first try uses it: after a lost race the row is read again.
 * `mayCreate` is asked before a missing row is created (rare: the sync writes the queued row first).
 */
export async function claimTransfer(
    table: TableClient,
    message: TransferMessage,
    owner: Owner,
    leaseMs: number,
    prefetched?: StoredRow | null,
    mayCreate: () => Promise<boolean> = () => Promise.resolve(true),
): Promise<Claim> {
    for (let attempt = 0; attempt < 5; attempt++) {
        const row =
            attempt === 0 && prefetched !== undefined
                ? (prefetched ?? undefined)
                : await readRow(table, message.driveId, message.transferId);
        const now = Date.now();
        if (!row) {
            if (!(await mayCreate())) return { kind: 'gone' };
            const record = newRecord(message, now);
            const fresh: Row = {
                ...keys(message.driveId, message.transferId),
                document: JSON.stringify(record),
                message: JSON.stringify(message),
                ...phaseColumns(record),
                ...lease(owner, now + leaseMs),
            };
            try {
                const created = await table.createEntity(fresh);
                return {
                    kind: 'claimed',
                    entry: new JournalEntry(table, fresh, record, created.etag!, owner, leaseMs),
                };
            } catch (e) {
                if (restStatus(e) === 409) continue; // a twin created it first
                throw e;
            }
        }
        const record = JSON.parse(row.document) as TransferRecord;
        if (TERMINAL.includes(record.state)) return { kind: 'done', record };
        if (!mayTakeOver(row, owner, now)) return { kind: 'busy', until: row.leaseUntil ?? now };
        const at = new Date(now).toISOString();
        const next: TransferRecord = {
            ...record,
            state: 'running',
            attempts: record.attempts + 1,
            startedAt: record.startedAt ?? at,
            // The rate counts this attempt's bytes only: a resumed transfer starts from its checkpoint.
            attemptStartedAt: at,
            attemptStartBytes: record.bytesDone,
            updatedAt: at,
        };
        const updated: Row = {
            ...stripEtag(row),
            document: JSON.stringify(next),
            ...phaseColumns(next),
            ...lease(owner, now + leaseMs),
        };
        try {
            const result = await table.updateEntity(updated, 'Replace', { etag: row.etag });
            return { kind: 'claimed', entry: new JournalEntry(table, updated, next, result.etag!, owner, leaseMs) };
        } catch (e) {
            if (restStatus(e) !== 412) throw e;
        }
    }
    return { kind: 'busy', until: Date.now() + leaseMs };
}

function mayTakeOver(row: Row, owner: Owner, now: number): boolean {
    if (!row.leaseOwner || (row.leaseUntil ?? 0) <= now) return true;
    const [messageId, dequeueCount] = row.leaseOwner.split('#');
    // The same message delivered again: the previous delivery's visibility ran out, so the host
    // considers it dead. If it is not, its next conditional write fails and it stops.
    return messageId === owner.messageId && Number(dequeueCount) < owner.dequeueCount;
}

export class JournalEntry {
    constructor(
        private readonly table: TableClient,
        private row: Row,
        public record: TransferRecord,
        private etag: string,
        private readonly owner: Owner,
        private readonly leaseMs: number,
    ) {}

    get checkpoint(): Checkpoint | undefined {
        return this.row.checkpoint ? (JSON.parse(this.row.checkpoint) as Checkpoint) : undefined;
    }

    get message(): TransferMessage {
        return JSON.parse(this.row.message) as TransferMessage;
    }

    /**
     * Saves progress and renews the lease. Called once per fragment or block (TRANSFER_FRAGMENT_BYTES,
     * 10 MiB by default), where the checkpoint must be written anyway: the bytes done that GET
     * .../transfers shows cost no extra write.
     */
    async save(checkpoint: Checkpoint | undefined, bytesDone: number): Promise<void> {
        await this.write(
            { ...this.record, bytesDone },
            {
                checkpoint: checkpoint ? JSON.stringify(checkpoint) : undefined,
                ...lease(this.owner, Date.now() + this.leaseMs),
            },
        );
    }

    /** Ends the transfer: the record keeps the outcome, the checkpoint and lease go. */
    async finish(
        state: TransferState,
        patch: Pick<TransferRecord, 'result' | 'error'> & { bytesDone?: number },
    ): Promise<void> {
        // A success or skip is announced to the sync engine's next fold by a marker written with it.
        const marker =
            state === 'succeeded' || state === 'skipped'
                ? foldMarker(this.record.driveId, this.record.transferId)
                : undefined;
        await this.write(
            {
                ...this.record,
                ...patch,
                state,
                bytesDone: patch.bytesDone ?? this.record.bytesDone,
                finishedAt: new Date().toISOString(),
            },
            { checkpoint: undefined, leaseOwner: undefined, leaseUntil: undefined },
            marker,
        );
    }

    /** Stops for now (time budget): keeps the checkpoint, frees the lease for the next slice. */
    async release(message: TransferMessage, error?: TransferRecord['error']): Promise<void> {
        await this.write(
            { ...this.record, state: 'queued', error },
            { message: JSON.stringify(message), leaseOwner: undefined, leaseUntil: undefined },
        );
    }

    private async write(record: TransferRecord, fields: Partial<Row>, marker?: FoldMarker): Promise<void> {
        const next: TransferRecord = { ...record, updatedAt: new Date().toISOString() };
        const row: Row = { ...this.row, ...fields, document: JSON.stringify(next), ...phaseColumns(next) };
        for (const k of Object.keys(row) as (keyof Row)[]) if (row[k] === undefined) delete row[k];
        try {
            this.etag = marker
                ? await this.updateWithMarker(row, marker)
                : (await this.table.updateEntity(row, 'Replace', { etag: this.etag })).etag!;
            this.row = row;
            this.record = next;
        } catch (e) {
            if (restStatus(e) === 412) throw new LeaseLost();
            throw e;
        }
    }

    /** The row (conditional on this lease's ETag) and its fold marker, in one transaction. */
    private async updateWithMarker(row: Row, marker: FoldMarker): Promise<string> {
        const response = await this.table.submitTransaction([
            ['update', { ...row }, 'Replace', { etag: this.etag }],
            ['upsert', { ...marker }, 'Replace'],
        ]);
        const etag = response.getResponseForEntity(row.rowKey)?.etag;
        if (etag) return etag;
        return (await this.table.getEntity(row.partitionKey, row.rowKey)).etag;
    }
}

/** For the sync engine and the replay route. */
export async function readTransfer(
    table: TableClient,
    driveId: string,
    transferId: string,
): Promise<{ record: TransferRecord; message: TransferMessage; etag: string } | undefined> {
    const row = await readRow(table, driveId, transferId);
    return row
        ? {
              record: JSON.parse(row.document) as TransferRecord,
              message: JSON.parse(row.message) as TransferMessage,
              etag: row.etag,
          }
        : undefined;
}

/** Replay: a failed (or skipped) transfer goes back to queued, keeping nothing of its last attempt. */
export async function requeueTransfer(
    table: TableClient,
    driveId: string,
    transferId: string,
    etag: string,
    record: TransferRecord,
    message: TransferMessage,
): Promise<void> {
    const next: TransferRecord = {
        ...record,
        state: 'queued',
        error: undefined,
        result: undefined,
        bytesDone: 0,
        finishedAt: undefined,
        updatedAt: new Date().toISOString(),
    };
    await table.updateEntity(
        {
            ...keys(driveId, transferId),
            document: JSON.stringify(next),
            message: JSON.stringify(message),
            ...phaseColumns(next),
        },
        'Replace',
        { etag },
    );
}

export type StoredRow = Row & { etag: string };

/** The Storage service takes at most 15 comparisons in a filter: the partition and 14 row keys. */
const KEYS_PER_QUERY = 14;

/**
 * The journal rows of several transfers of one drive, by transfer id, in one query per 14 (instead of a
 * point read each); a transfer without a row is absent from the map.
 */
export async function readRows(
    table: TableClient,
    driveId: string,
    transferIds: readonly string[],
): Promise<Map<string, StoredRow>> {
    const found = new Map<string, StoredRow>();
    const byKey = new Map(transferIds.map((id) => [tableKey(id), id]));
    const keys = [...byKey.keys()];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
        const rowKeys = keys.slice(i, i + KEYS_PER_QUERY).map((k) => odata`RowKey eq ${k}`);
        const filter = `${odata`PartitionKey eq ${tableKey(driveId)}`} and (${rowKeys.join(' or ')})`;
        for await (const row of table.listEntities<Row>({ queryOptions: { filter } })) {
            const id = byKey.get(row.rowKey);
            if (id !== undefined && row.etag) found.set(id, row as StoredRow);
        }
    }
    return found;
}

async function readRow(table: TableClient, driveId: string, transferId: string): Promise<StoredRow | undefined> {
    try {
        return await table.getEntity<Row>(tableKey(driveId), tableKey(transferId));
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

function keys(driveId: string, transferId: string): Pick<Row, 'partitionKey' | 'rowKey'> {
    return { partitionKey: tableKey(driveId), rowKey: tableKey(transferId) };
}

function lease(owner: Owner, until: number): Pick<Row, 'leaseOwner' | 'leaseUntil'> {
    return { leaseOwner: `${owner.messageId}#${owner.dequeueCount}#${owner.invocationId}`, leaseUntil: until };
}

function stripEtag(row: Row & { etag?: string; timestamp?: string }): Row {
    const { partitionKey, rowKey, document, message, checkpoint } = row;
    return checkpoint === undefined
        ? { partitionKey, rowKey, document, message }
        : { partitionKey, rowKey, document, message, checkpoint };
}

function newRecord(m: TransferMessage, now: number): TransferRecord {
    return {
        transferId: m.transferId,
        driveId: m.driveId,
        runId: m.runId,
        actionId: m.actionId,
        direction: m.direction,
        platformPath: m.platformPath,
        state: 'running',
        bytesDone: 0,
        bytesTotal: m.expected.size,
        attempts: 1,
        startedAt: new Date(now).toISOString(),
        attemptStartedAt: new Date(now).toISOString(),
        attemptStartBytes: 0,
        updatedAt: new Date(now).toISOString(),
    };
}
