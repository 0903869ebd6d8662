import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { functions } from '../../../functions/registry';
import { driveConflicts } from '../../../functions/driveConflicts';
import { driveDeletesApprove, driveDeletesReject } from '../../../functions/driveDeletes';
import { driveRun, driveRuns } from '../../../functions/driveRuns';
import { syncNow } from '../../../functions/syncNow';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { QuickXorHash } from '../../../lib/hash/quickxorhash';
import { getServices, type Services } from '../../../lib/runtime/services';
import type { ItemOutcome, SyncMessage } from '../../../lib/sync/contracts';
import { runSync } from '../../../lib/sync/engine';
import type { RunRecord } from '../../../lib/sync/runs';
import { completeUpload } from '../../../lib/sync/platform/completeUpload';
import { platformContainer } from '../../../lib/sync/platform/platformContainer';
import { blobNameOf, drivePrefix, isFolderMarker, pathOfBlob } from '../../../lib/sync/platform/platformLayout';
import { createTransferHandler } from '../../../lib/transfer/handler';
import { startConnectedService, type ConnectedService } from '../../support/connectedService';
import { decodeMessage, takeSyncMessages } from '../../support/queueMessages';

export { takeSyncMessages };

/** SYNC_FIRST_BATCH=<n> plans every first sync in batches of n items (exercises firstSyncInBatches on small drives). */
const FIRST_SYNC_BATCH = process.env.SYNC_FIRST_BATCH ? Number(process.env.SYNC_FIRST_BATCH) : undefined;

/**
 * The service on the local host WITHOUT its queue triggers for sync and transfer: the scenario tests
 * run sync (runSync, the sync handler's core) and the transfer handler themselves, one message at a
 * time, as the host would, so a test knows exactly when the drive is quiet.
 */
export async function startScenarioService(
    logLines?: string[],
    options: { settings?: Record<string, string>; without?: string[] } = {},
): Promise<ConnectedService> {
    const drop = new Set(['syncQueue', 'syncScheduler', 'transfer', 'syncSweep', ...(options.without ?? [])]);
    const names = new Set(functions.map((f) => f.name));
    const extra = [syncNow, driveRuns, driveRun, driveConflicts, driveDeletesApprove, driveDeletesReject].filter(
        (f) => !names.has(f.name),
    );
    const svc = await startConnectedService({
        functions: [...functions.filter((f) => !drop.has(f.name)), ...extra],
        logLines,
        ...(options.settings ? { settings: options.settings } : {}),
    });
    const configured = await svc.configure();
    if (configured.status >= 300) throw new Error(`configure answered ${configured.status}`);
    return svc;
}

export async function services(): Promise<Services> {
    return getServices();
}

/** The transfer handler's log lines (kept off the console; print them when a test fails). */
export const transferLog: string[] = [];

export interface TransferDelivery {
    transferId: string;
    direction: string;
    platformPath: string;
    outcome: string;
}

/**
 * Delivers every transfer message to the real transfer handler, as the host would (dequeueCount and
 * message id in the trigger metadata; a throw leaves the message for redelivery). Messages the
 * handler re-enqueues (paused, busy) are delivered too, until the queue is empty or `maxWaitMs` passed.
 */
export async function processTransfers(options: { maxWaitMs?: number } = {}): Promise<TransferDelivery[]> {
    const s = await services();
    const queue = s.storage.queue.getQueueClient(s.config.queues.transfer);
    await queue.createIfNotExists();
    const handler = createTransferHandler(getServices);
    const done: TransferDelivery[] = [];
    const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
    for (;;) {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 16, visibilityTimeout: 2 });
        if (receivedMessageItems.length === 0) {
            const { approximateMessagesCount } = await queue.getProperties();
            if (!approximateMessagesCount || Date.now() > deadline) return done;
            await new Promise((r) => setTimeout(r, 250));
            continue;
        }
        // Transfers of one run are independent: the host runs a batch concurrently (batchSize).
        await Promise.all(
            receivedMessageItems.map(async (m) => {
                const body = decodeMessage<{ transferId: string; direction: string; platformPath: string }>(
                    m.messageText,
                );
                const context = new InvocationContext({
                    invocationId: randomUUID(),
                    functionName: 'transfer',
                    triggerMetadata: { id: m.messageId, dequeueCount: m.dequeueCount, popReceipt: m.popReceipt },
                    logHandler: (level, ...args) =>
                        transferLog.push(
                            `${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
                        ),
                });
                try {
                    const outcome = await handler(decodeMessage(m.messageText), context);
                    await queue.deleteMessage(m.messageId, m.popReceipt);
                    // A batch message answers with each file's outcome.
                    if (Array.isArray(outcome))
                        done.push(...outcome.map((o) => ({ ...o, outcome: String(o.outcome) })));
                    else
                        done.push({
                            transferId: body.transferId,
                            direction: body.direction,
                            platformPath: body.platformPath,
                            outcome: String(outcome),
                        });
                } catch (e) {
                    // Left on the queue: redelivered after its visibility timeout, as the host does.
                    done.push({
                        transferId: body.transferId,
                        direction: body.direction,
                        platformPath: body.platformPath,
                        outcome: `threw: ${(e as Error).message}`,
                    });
                }
            }),
        );
    }
}

export function syncMessage(drive: DriveRecord, extra: Partial<SyncMessage> = {}): SyncMessage {
    return {
        kind: 'sync',
        integrationId: drive.integrationId,
        driveId: drive.id,
        trigger: 'manual',
        requestedAt: new Date().toISOString(),
        ...extra,
    };
}

/** Bookkeeping, or a standing refusal a person must act on: planned again every run, never work. */
const NOT_WORK = new Set(['updateBaseline', 'skip']);

/** Actions a run planned that change either side. */
export function plannedWork(run: RunRecord): number {
    return Object.entries(run.counts ?? {})
        .filter(([kind]) => !NOT_WORK.has(kind))
        .reduce((n, [, c]) => n + c, 0);
}

export interface QuietResult {
    runs: RunRecord[];
    transfers: TransferDelivery[];
}

/**
 * Sync until nothing is left to do: run the drive's queued sync messages (or a manual one), deliver
 * the transfers they enqueued, and repeat until a run plans no work, at most `maxRounds` rounds.
 * A run that fails or holds deletes ends the loop too (nothing more happens without a person).
 */
export async function syncUntilQuiet(
    drive: DriveRecord,
    options: { maxRounds?: number; trigger?: SyncMessage['trigger']; firstSyncBatch?: number } = {},
): Promise<QuietResult> {
    const runs: RunRecord[] = [];
    const batch = options.firstSyncBatch ?? FIRST_SYNC_BATCH;
    const runOptions = batch ? { firstSyncBatch: batch } : {};
    const transfers: TransferDelivery[] = [];
    const s = await services();
    for (let round = 0; round < (options.maxRounds ?? 6); round++) {
        const queued = await takeSyncMessages(drive.id);
        const messages = queued.length
            ? queued
            : [syncMessage(drive, options.trigger ? { trigger: options.trigger } : {})];
        let work = 0;
        let stop = false;
        let ran = 0;
        // A queued duplicate of a run that already finished is ignored: then a manual run stands in for it.
        const fallback = syncMessage(drive, options.trigger ? { trigger: options.trigger } : {});
        for (const m of [...messages, fallback]) {
            if (m === fallback && ran > 0) break;
            const result = await runSync(s, m, runOptions);
            if (result.outcome !== 'ran') continue;
            ran++;
            runs.push(result.run);
            work += plannedWork(result.run);
            if (result.run.status !== 'succeeded') stop = true;
        }
        transfers.push(...(await processTransfers()));
        if (stop) break;
        if (work === 0 && runs.length > 0) {
            // Quiet only if nothing queued meanwhile (a follow-up, a retry) still wants to run.
            const more = await takeSyncMessages(drive.id);
            if (more.length === 0) return { runs, transfers };
            for (const m of more) {
                const result = await runSync(s, m, runOptions);
                if (result.outcome === 'ran') runs.push(result.run);
            }
            transfers.push(...(await processTransfers()));
        }
    }
    return { runs, transfers };
}

/** Last run planned no work (syncUntilQuiet got there). */
export function isQuiet(result: QuietResult): boolean {
    const last = result.runs[result.runs.length - 1];
    return !!last && last.status === 'succeeded' && plannedWork(last) === 0;
}

export function describeRuns(result: QuietResult): string {
    return result.runs
        .map(
            (r) =>
                `${r.runId} ${r.status}${r.resync ? ` resync=${r.resyncReason}` : ''}${r.remoteListing ? ` listing=${r.remoteListing}` : ''} counts=${JSON.stringify(r.counts)} outcomes=${JSON.stringify(r.outcomes)}${r.error ? ` error=${JSON.stringify(r.error)}` : ''}`,
        )
        .concat(
            result.transfers
                .filter((t) => t.outcome !== 'succeeded')
                .map((t) => `transfer ${t.direction} ${t.platformPath}: ${t.outcome}`),
        )
        .join('\n');
}

export function hashOf(content: Buffer | string): string {
    return new QuickXorHash().update(typeof content === 'string' ? Buffer.from(content) : content).digest();
}

/**
 * The platform's own edits, straight on its blob container (as the platform does: upload slot +
 * complete, copy + delete for a rename, delete for a delete).
 */
export class PlatformSide {
    constructor(
        readonly services: Services,
        readonly drive: DriveRecord,
    ) {}

    private container(): Promise<ContainerClient> {
        return platformContainer(this.services);
    }

    async put(path: string, content: string | Buffer): Promise<void> {
        const c = await this.container();
        const body = typeof content === 'string' ? Buffer.from(content) : content;
        await c.getBlockBlobClient(blobNameOf(this.drive.id, path)).upload(body, body.length);
        await completeUpload(this.services, this.drive, path);
    }

    async read(path: string): Promise<string | undefined> {
        const blob = (await this.container()).getBlobClient(blobNameOf(this.drive.id, path));
        if (!(await blob.exists())) return undefined;
        return (await blob.downloadToBuffer()).toString('utf8');
    }

    async exists(path: string): Promise<boolean> {
        return (await this.container()).getBlobClient(blobNameOf(this.drive.id, path)).exists();
    }

    /** A file or a folder (every blob under it, its marker included). */
    async remove(path: string): Promise<number> {
        const c = await this.container();
        const names = await this.blobsAt(c, path);
        for (const n of names) await c.getBlobClient(n).delete();
        return names.length;
    }

    /** Rename or move a file or a folder: copy each blob (metadata included), then delete the original. */
    async move(from: string, to: string): Promise<void> {
        const c = await this.container();
        const fromName = blobNameOf(this.drive.id, from);
        const toName = blobNameOf(this.drive.id, to);
        for (const n of await this.blobsAt(c, from)) {
            const target = c.getBlobClient(toName + n.slice(fromName.length));
            const poller = await target.beginCopyFromURL(c.getBlobClient(n).url);
            await poller.pollUntilDone();
            await c.getBlobClient(n).delete();
        }
    }

    private async blobsAt(c: ContainerClient, path: string): Promise<string[]> {
        const name = blobNameOf(this.drive.id, path);
        const out: string[] = [];
        if (await c.getBlobClient(name).exists()) out.push(name);
        for await (const b of c.listBlobsFlat({ prefix: `${name}/` })) out.push(b.name);
        return out;
    }

    /** The platform tree: path → 'folder' or the QuickXorHash of the blob's bytes (computed here, not trusted from metadata). */
    async tree(): Promise<Map<string, string>> {
        const c = await this.container();
        const out = new Map<string, string>();
        for await (const b of c.listBlobsFlat({ prefix: drivePrefix(this.drive.id), includeMetadata: true })) {
            const path = pathOfBlob(this.drive.id, b.name);
            if (isFolderMarker(b.metadata)) out.set(path, 'folder');
            else out.set(path, hashOf(await c.getBlobClient(b.name).downloadToBuffer()));
            for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1))
                if (!out.has(path.slice(0, i))) out.set(path.slice(0, i), 'folder');
        }
        return out;
    }
}

/** The remote tree: path → 'folder' or the item's quickXorHash (the simulator's own). */
export function remoteTree(svc: ConnectedService, graphDriveId: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const i of svc.sim.graph.listTree(graphDriveId))
        out.set(i.path.slice(1), i.isFolder ? 'folder' : (i.quickXorHash ?? ''));
    return out;
}

/** Differences between two trees, readable (empty when equal). */
export function treeDiff(remote: Map<string, string>, platform: Map<string, string>): string[] {
    const out: string[] = [];
    for (const [p, v] of remote) {
        const w = platform.get(p);
        if (w === undefined) out.push(`only remote: ${p} (${v})`);
        else if (w !== v) out.push(`differs: ${p} remote=${v} platform=${w}`);
    }
    for (const [p, v] of platform) if (!remote.has(p)) out.push(`only platform: ${p} (${v})`);
    return out.sort();
}

/** One run's outcomes through the API (`status` filters). */
export async function runOutcomes(
    svc: ConnectedService,
    driveId: string,
    runId: string,
    status?: string,
): Promise<ItemOutcome[]> {
    const res = await svc.env.api('GET', `/api/drives/${driveId}/runs/${runId}${status ? `?status=${status}` : ''}`);
    if (res.status !== 200) throw new Error(`GET run answered ${res.status}: ${res.text}`);
    return (res.body as { outcomes: ItemOutcome[] }).outcomes;
}

/** The seeded PRNG the randomized tests share: the same seed replays the same edits. */
export { mulberry32 as prng } from '../../support/prng';
