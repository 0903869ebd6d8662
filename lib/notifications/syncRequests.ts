import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import type { Services } from '../runtime/services';
import { tableKey } from '../storage/tables';
import type { SyncMessage } from '../sync/contracts';
import { DEFAULT_POLICY, NotificationPolicy } from './policy';
import { PARTITION } from './subscriptionRecords';
import { enqueueSync } from './syncQueue';

/**
 * Debounced webhook syncs, per drive (no global lock, so a busy drive never delays another).
 *
 * A `request`/{driveId} row holds `dueAt` (when the drive's sync message becomes visible) and
 * `startedAt` (when a run last started: runs mark it, see markSyncRequestsServed). While a sent
 * message has not been picked up by a run, every notification is already covered by it: nothing to
 * do. Once a run has started, the next notification sends a new message (the first request to win an
 * ETag-conditional write), visible after the short debounce and no sooner than `minGap` after that
 * run's start. So a drive under constant change has at most one message waiting and one run going;
 * an idle drive reacts within seconds. A message no run picked up within `pendingGrace` is presumed
 * lost (e.g. poisoned) and replaced.
 */
export interface SyncTarget {
    integrationId: string;
    driveId: string;
}

export type SyncRequestOutcome = { outcome: 'enqueued' | 'coalesced'; dueAt: number };

interface RequestRow {
    partitionKey: string;
    rowKey: string;
    dueAt: number;
    /** When a run last started for the drive (0: none since the last message was sent). */
    startedAt: number;
}

// Per instance: a drive whose message is known to be pending skips the table entirely (cheap bursts).
const knownDue = new Map<string, number>();

// Per instance: concurrent requests for one drive share one table round trip.
const inFlight = new Map<string, Promise<SyncRequestOutcome>>();

export function requestSync(
    services: Services,
    target: SyncTarget,
    policy: NotificationPolicy = DEFAULT_POLICY,
): Promise<SyncRequestOutcome> {
    const cached = knownDue.get(target.driveId);
    if (cached !== undefined && Date.now() < cached) return Promise.resolve({ outcome: 'coalesced', dueAt: cached });
    const running = inFlight.get(target.driveId);
    if (running) return running.then((r) => ({ outcome: 'coalesced', dueAt: r.dueAt }));
    const request = claimAndSend(services, target, policy).finally(() => inFlight.delete(target.driveId));
    inFlight.set(target.driveId, request);
    return request;
}

async function claimAndSend(
    services: Services,
    target: SyncTarget,
    policy: NotificationPolicy,
): Promise<SyncRequestOutcome> {
    const now = Date.now();
    const table = await services.tables.get('subscriptions');
    // A lost race means another request just claimed the slot; re-read to see its dueAt.
    for (let attempt = 0; attempt < 4; attempt++) {
        const row = await readRow(table, target.driveId);
        if (row && waiting(row, now, policy)) {
            if (now < row.dueAt) knownDue.set(target.driveId, row.dueAt);
            return { outcome: 'coalesced', dueAt: row.dueAt };
        }
        const dueAt = Math.max(
            now + policy.debounceSeconds * 1000,
            row && row.startedAt > 0 ? row.startedAt + policy.minGapSeconds * 1000 : 0,
        );
        const etag = await claim(table, target.driveId, dueAt, row?.etag);
        if (!etag) continue;
        await sendOrRelease(services, table, target, { dueAt, now, etag, previous: row ?? { dueAt: 0, startedAt: 0 } });
        return { outcome: 'enqueued', dueAt };
    }
    return { outcome: 'coalesced', dueAt: now };
}

/** A sent message is waiting when no run has started since it was sent, unless it is presumed lost. */
function waiting(row: { dueAt: number; startedAt: number }, now: number, policy: NotificationPolicy): boolean {
    // A claim resets startedAt to 0; the first run to start afterwards sets it.
    return now < row.dueAt || (row.startedAt === 0 && now < row.dueAt + policy.pendingGraceSeconds * 1000);
}

async function sendOrRelease(
    services: Services,
    table: TableClient,
    target: SyncTarget,
    c: { dueAt: number; now: number; etag: string; previous: { dueAt: number; startedAt: number } },
): Promise<void> {
    knownDue.set(target.driveId, c.dueAt);
    const message: SyncMessage = {
        kind: 'sync',
        integrationId: target.integrationId,
        driveId: target.driveId,
        trigger: 'webhook',
        // The message stands for every notification up to its visibility time, coalesced ones included.
        requestedAt: new Date(c.dueAt).toISOString(),
    };
    try {
        await enqueueSync(services, message, Math.max(0, Math.ceil((c.dueAt - c.now) / 1000)));
    } catch (e) {
        // Give the slot back so Graph's retry (we answer 5xx) can claim it again.
        knownDue.delete(target.driveId);
        await table
            .updateEntity<RequestRow>(row(target.driveId, c.previous.dueAt, c.previous.startedAt), 'Replace', {
                etag: c.etag,
            })
            .catch(() => undefined);
        throw e;
    }
}

function row(driveId: string, dueAt: number, startedAt = 0): RequestRow {
    return { partitionKey: PARTITION.request, rowKey: tableKey(driveId), dueAt, startedAt };
}

async function readRow(
    table: TableClient,
    driveId: string,
): Promise<{ dueAt: number; startedAt: number; etag: string } | undefined> {
    try {
        const r = await table.getEntity<RequestRow>(PARTITION.request, tableKey(driveId));
        return { dueAt: Number(r.dueAt), startedAt: Number(r.startedAt ?? 0), etag: r.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** Creates the row, or replaces it if unchanged since read; undefined when another request won. */
async function claim(
    table: TableClient,
    driveId: string,
    dueAt: number,
    etag: string | undefined,
): Promise<string | undefined> {
    try {
        const r = etag
            ? await table.updateEntity(row(driveId, dueAt), 'Replace', { etag })
            : await table.createEntity(row(driveId, dueAt));
        return r.etag;
    } catch (e) {
        const status = restStatus(e);
        if (status === 409 || status === 412) return undefined;
        throw e;
    }
}

/**
 * Called when a sync run of the drive starts: that run will see every change made so far, so the
 * waiting message (if any) is served and the next notification may send a new one.
 */
export async function markSyncRequestsServed(services: Services, driveId: string, now = Date.now()): Promise<void> {
    knownDue.delete(driveId);
    const table = await services.tables.get('subscriptions');
    // Merge without an ETag: only the start time changes, and the latest start is the one that matters.
    await table
        .updateEntity({ partitionKey: PARTITION.request, rowKey: tableKey(driveId), startedAt: now }, 'Merge')
        .catch((e: unknown) => {
            if (restStatus(e) !== 404) throw e;
        });
}

/** Forgets a removed drive's debounce state. */
export async function forgetSyncRequests(table: TableClient, driveId: string): Promise<void> {
    knownDue.delete(driveId);
    await table.deleteEntity(PARTITION.request, tableKey(driveId)).catch((e: unknown) => {
        if (restStatus(e) !== 404) throw e;
    });
}

/** For tests: forget what this instance knows (as a fresh instance would). */
export function resetSyncRequestCacheForTests(): void {
    knownDue.clear();
}
