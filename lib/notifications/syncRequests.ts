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
 * A `request`/{driveId} row holds `dueAt`, the moment the drive's pending sync message becomes
 * visible. A notification before `dueAt` is already covered by that message: nothing to do. After it,
 * the first request to win an ETag-conditional write sends the next message, visible no sooner than
 * `minGap` after the previous one. So a drive under constant change has at most one message waiting
 * and gets at most one webhook run per `minGap`, however many notifications arrive.
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
}

// Per instance: a drive whose message is known to be pending skips the table entirely (cheap bursts).
const knownDue = new Map<string, number>();

// Per instance: concurrent requests for one drive share one table round trip.
const inFlight = new Map<string, Promise<SyncRequestOutcome>>();

export function requestSync(services: Services, target: SyncTarget, policy: NotificationPolicy = DEFAULT_POLICY): Promise<SyncRequestOutcome> {
    const cached = knownDue.get(target.driveId);
    if (cached !== undefined && Date.now() < cached) return Promise.resolve({ outcome: 'coalesced', dueAt: cached });
    const running = inFlight.get(target.driveId);
    if (running) return running.then((r) => ({ outcome: 'coalesced', dueAt: r.dueAt }));
    const request = claimAndSend(services, target, policy).finally(() => inFlight.delete(target.driveId));
    inFlight.set(target.driveId, request);
    return request;
}

async function claimAndSend(services: Services, target: SyncTarget, policy: NotificationPolicy): Promise<SyncRequestOutcome> {
    const now = Date.now();
    const table = await services.tables.get('subscriptions');
    // A lost race means another request just claimed the slot; re-read to see its dueAt.
    for (let attempt = 0; attempt < 4; attempt++) {
        const row = await readRow(table, target.driveId);
        if (row && now < row.dueAt) {
            knownDue.set(target.driveId, row.dueAt);
            return { outcome: 'coalesced', dueAt: row.dueAt };
        }
        const dueAt = Math.max(now + policy.debounceSeconds * 1000, row ? row.dueAt + policy.minGapSeconds * 1000 : 0);
        const etag = await claim(table, target.driveId, dueAt, row?.etag);
        if (!etag) continue;
        await sendOrRelease(services, table, target, { dueAt, now, etag, previous: row?.dueAt ?? 0 });
        return { outcome: 'enqueued', dueAt };
    }
    return { outcome: 'coalesced', dueAt: now };
}

async function sendOrRelease(services: Services, table: TableClient, target: SyncTarget, c: { dueAt: number; now: number; etag: string; previous: number }): Promise<void> {
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
        await enqueueSync(services, message, Math.max(1, Math.ceil((c.dueAt - c.now) / 1000)));
    } catch (e) {
        // Give the slot back so Graph's retry (we answer 5xx) can claim it again.
        knownDue.delete(target.driveId);
        await table.updateEntity<RequestRow>(row(target.driveId, c.previous), 'Replace', { etag: c.etag }).catch(() => undefined);
        throw e;
    }
}

function row(driveId: string, dueAt: number): RequestRow {
    return { partitionKey: PARTITION.request, rowKey: tableKey(driveId), dueAt };
}

async function readRow(table: TableClient, driveId: string): Promise<{ dueAt: number; etag: string } | undefined> {
    try {
        const r = await table.getEntity<RequestRow>(PARTITION.request, tableKey(driveId));
        return { dueAt: Number(r.dueAt), etag: r.etag };
    } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return undefined;
        throw e;
    }
}

/** Creates the row, or replaces it if unchanged since read; undefined when another request won. */
async function claim(table: TableClient, driveId: string, dueAt: number, etag: string | undefined): Promise<string | undefined> {
    try {
        const r = etag ? await table.updateEntity(row(driveId, dueAt), 'Replace', { etag }) : await table.createEntity(row(driveId, dueAt));
        return r.etag;
    } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        if (status === 409 || status === 412) return undefined;
        throw e;
    }
}

/** Forgets a removed drive's debounce state. */
export async function forgetSyncRequests(table: TableClient, driveId: string): Promise<void> {
    knownDue.delete(driveId);
    await table.deleteEntity(PARTITION.request, tableKey(driveId)).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
    });
}

/** For tests: forget what this instance knows (as a fresh instance would). */
export function resetSyncRequestCacheForTests(): void {
    knownDue.clear();
}
