import type { TableClient, TransactionAction } from '@azure/data-tables';
import { tableKey } from '../storage/tables';
import type { ChangeDraft, ChangeEvent } from './changeModel';
import { restStatus } from '../storage/restError';

/**
 * The change feed of one drive, in one table partition:
 *
 *   head              { sequence, purgedThrough }   the last sequence given out; what retention removed
 *   e<sequence, 16>   one event (sequence zero-padded, so row keys sort in feed order)
 *   i~<event id>      { sequence }                  the event id's claim: a second append of the same id is refused
 *
 * Sequences come from the head row, and an append commits the head, its events and their id claims
 * in ONE entity-group transaction (conditional on the head's ETag). So an event is visible exactly
 * when every event before it is: a reader that has seen sequence n can never later find a new event
 * below n. (A time-based key would not give that: a transfer that took its key at t and committed at
 * t + 2 s lands behind a reader's cursor. Transfers of one drive do append concurrently; they retry
 * on the head's ETag.) Azure Table transactions: up to 100 operations, one partition, all or nothing
 * (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 */
export const HEAD_ROW = 'head';
const EVENT_PREFIX = 'e';
const ID_PREFIX = 'i~';
export const DELIVERY_PREFIX = 'd~';
/**
 * One row per drive that has a feed, so the timers find the feeds without scanning the table (a
 * filter on RowKey alone reads every partition). tableKey() encodes '~', so no drive's partition is this.
 */
export const FEEDS_PARTITION = '~feeds';

/** 2 rows per event + the head stay within a transaction's 100 operations. */
const EVENTS_PER_TRANSACTION = 49;
const MAX_ATTEMPTS = 30;

export interface FeedHead {
    sequence: number;
    /** Events up to this sequence were removed by retention (0: none yet). */
    purgedThrough: number;
    etag?: string;
}

interface HeadRow extends Record<string, unknown> {
    partitionKey: string;
    rowKey: string;
    sequence: number;
    purgedThrough: number;
}

interface EventRow extends Record<string, unknown> {
    partitionKey: string;
    rowKey: string;
    eventId: string;
    recordedAt: string;
    document: string;
}

export const feedPartition = (driveId: string): string => tableKey(driveId);
const eventRowKey = (sequence: number): string => `${EVENT_PREFIX}${String(sequence).padStart(16, '0')}`;
const idRowKey = (eventId: string): string => `${ID_PREFIX}${tableKey(eventId)}`;

export async function readHead(table: TableClient, driveId: string): Promise<FeedHead> {
    try {
        const row = await table.getEntity<HeadRow>(feedPartition(driveId), HEAD_ROW);
        return { sequence: Number(row.sequence), purgedThrough: Number(row.purgedThrough ?? 0), etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return { sequence: 0, purgedThrough: 0 };
        throw e;
    }
}

/**
 * Appends the drafts in order; a draft whose id is already in the feed is left out (a redelivered
 * handler, a replayed run). Returns the events it added.
 */
export async function appendChanges(
    table: TableClient,
    driveId: string,
    drafts: readonly ChangeDraft[],
    now: () => Date = () => new Date(),
): Promise<ChangeEvent[]> {
    const seen = new Set<string>();
    const unique = drafts.filter((d) => !seen.has(d.id) && seen.add(d.id));
    const added: ChangeEvent[] = [];
    for (let i = 0; i < unique.length; i += EVENTS_PER_TRANSACTION)
        added.push(...(await appendChunk(table, driveId, unique.slice(i, i + EVENTS_PER_TRANSACTION), now)));
    return added;
}

async function appendChunk(
    table: TableClient,
    driveId: string,
    drafts: ChangeDraft[],
    now: () => Date,
): Promise<ChangeEvent[]> {
    const partitionKey = feedPartition(driveId);
    let pending = drafts;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const head = await readHead(table, driveId);
        // Before the first event: a feed is always listed (the row is idempotent, and harmless if unused).
        if (!head.etag) await table.upsertEntity({ partitionKey: FEEDS_PARTITION, rowKey: partitionKey }, 'Replace');
        const recordedAt = now().toISOString();
        const events = pending.map((d, i): ChangeEvent => ({
            ...d,
            driveId,
            sequence: head.sequence + i + 1,
            recordedAt,
        }));
        const headRow: HeadRow = {
            partitionKey,
            rowKey: HEAD_ROW,
            sequence: head.sequence + events.length,
            purgedThrough: head.purgedThrough,
        };
        const actions: TransactionAction[] = [
            head.etag ? ['update', headRow, 'Replace', { etag: head.etag }] : ['create', headRow],
        ];
        for (const e of events) {
            const row: EventRow = {
                partitionKey,
                rowKey: eventRowKey(e.sequence),
                eventId: e.id,
                recordedAt,
                document: JSON.stringify(e),
            };
            actions.push(['create', row], ['create', { partitionKey, rowKey: idRowKey(e.id), sequence: e.sequence }]);
        }
        try {
            await table.submitTransaction(actions);
            return events;
        } catch (e) {
            const status = restStatus(e);
            // 412: another writer moved the head. 409: another writer created it, or an id is already in.
            if (status !== 412 && status !== 409) throw e;
            if (status === 409) pending = await withoutRecorded(table, partitionKey, pending);
            if (pending.length === 0) return [];
            await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * Math.random());
        }
    }
    throw new Error(`Could not append to the change feed of drive ${driveId}: too many concurrent writers.`);
}

async function withoutRecorded(
    table: TableClient,
    partitionKey: string,
    drafts: ChangeDraft[],
): Promise<ChangeDraft[]> {
    const recorded = await Promise.all(
        drafts.map((d) =>
            table.getEntity(partitionKey, idRowKey(d.id)).then(
                () => true,
                (e: unknown) => {
                    if (restStatus(e) === 404) return false;
                    throw e;
                },
            ),
        ),
    );
    return drafts.filter((_, i) => !recorded[i]);
}

/** Up to `limit` events after `after` (exclusive), in feed order. */
export async function readAfter(
    table: TableClient,
    driveId: string,
    after: number,
    limit: number,
): Promise<ChangeEvent[]> {
    const pk = feedPartition(driveId);
    const out: ChangeEvent[] = [];
    const rows = table
        .listEntities<EventRow>({
            queryOptions: {
                filter: `PartitionKey eq '${pk}' and RowKey gt '${eventRowKey(after)}' and RowKey lt '${EVENT_PREFIX}~'`,
                select: ['document'],
            },
        })
        .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of rows) {
        for (const row of page) {
            out.push(JSON.parse(row.document) as ChangeEvent);
            if (out.length >= limit) return out;
        }
    }
    return out;
}

/**
 * Retention: removes the events recorded before `cutoff`. The head's purgedThrough moves first,
 * then the rows go: a reader whose cursor is below purgedThrough is told (410) instead of silently
 * missing what was removed. Returns how many events went.
 */
export async function purgeBefore(table: TableClient, driveId: string, cutoff: Date): Promise<number> {
    const pk = feedPartition(driveId);
    const doomed: { sequence: number; eventId: string }[] = [];
    for await (const row of table.listEntities<EventRow>({
        queryOptions: {
            filter: `PartitionKey eq '${pk}' and RowKey gt '${EVENT_PREFIX}' and RowKey lt '${EVENT_PREFIX}~'`,
            select: ['RowKey', 'eventId', 'recordedAt'],
        },
    })) {
        if (row.recordedAt >= cutoff.toISOString()) break;
        doomed.push({ sequence: Number(row.rowKey.slice(EVENT_PREFIX.length)), eventId: row.eventId });
    }
    if (doomed.length === 0) return 0;
    await raisePurgedThrough(table, driveId, doomed[doomed.length - 1]!.sequence);
    let batch: TransactionAction[] = [];
    for (const d of doomed) {
        batch.push(
            ['delete', { partitionKey: pk, rowKey: eventRowKey(d.sequence) }],
            ['delete', { partitionKey: pk, rowKey: idRowKey(d.eventId) }],
        );
        if (batch.length >= 100) {
            await table.submitTransaction(batch);
            batch = [];
        }
    }
    if (batch.length) await table.submitTransaction(batch);
    return doomed.length;
}

async function raisePurgedThrough(table: TableClient, driveId: string, sequence: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const head = await readHead(table, driveId);
        if (head.purgedThrough >= sequence) return;
        const row: HeadRow = {
            partitionKey: feedPartition(driveId),
            rowKey: HEAD_ROW,
            sequence: head.sequence,
            purgedThrough: sequence,
        };
        try {
            await table.updateEntity(row, 'Replace', { etag: head.etag });
            return;
        } catch (e) {
            if (restStatus(e) !== 412) throw e;
        }
    }
    throw new Error(`Could not move the retention mark of drive ${driveId}: too many concurrent writers.`);
}

/** The drives that have a feed. */
export async function* feedDrives(table: TableClient): AsyncGenerator<string> {
    for await (const row of table.listEntities<{ rowKey: string }>({
        queryOptions: { filter: `PartitionKey eq '${FEEDS_PARTITION}'`, select: ['RowKey'] },
    })) {
        yield decodeTableKey(row.rowKey);
    }
}

/** tableKey's inverse (`~xxxx` → the character). */
function decodeTableKey(key: string): string {
    return key.replace(/~([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
