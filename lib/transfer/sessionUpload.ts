import type { BlobClient } from '@azure/storage-blob';
import { backoffMs, sleep } from './backoff';
import { BlobRanges } from './blobRanges';
import { Paused } from './budget';
import type { UploadCheckpoint } from './checkpoint';
import { FRAGMENT_QUANTUM, remoteTarget, type TransferContext, type TransferResult } from './context';
import { retryLater, TransferError } from './errors';
import { classifyGraphError, type DriveItem } from './graphApi';
import { HashCursor } from './hashCursor';
import { checkUploaded, mayBeEnriched, type TransferNote } from './integrity';
import { PreconditionRecovery } from './precondition';
import { cancelSession, putFragment, sessionStatus, type SessionReply } from './sessionProtocol';
import { transferResult } from './transferResult';
import { openUrl, sealUrl } from './urlSeal';
import { GraphError } from '../graph/graphError';

/** Sessions one delivery may open; more means SharePoint keeps losing them: pause and come back later. */
const SESSIONS_PER_DELIVERY = 3;
/** Sessions over every delivery of the file: beyond, the queue's own retries (and then a person) decide. */
const MAX_SESSIONS = 24;
const MAX_RESYNCS = 8;
/** 404s on fragments of a session whose status still answers, before it counts as lost. */
const MAX_TRANSIENT_404 = 3;

interface Source {
    etag: string;
    size: number;
    /** ISO 8601, whole seconds. */
    mtime: string;
}

/**
 * One file through an upload session, fragment by fragment, checkpointed after every fragment Graph
 * confirms. The offset always comes from Graph (202 nextExpectedRanges, or the status after a 416,
 * a 5xx or a dropped connection), never from what we think we sent.
 */
export class SessionUpload {
    private url?: string;
    private offset = 0;
    /** Sessions opened for this file so far (kept in the checkpoint, over deliveries). */
    private sessions = 0;
    private sessionsNow = 0;
    private finalHash?: string;
    private readonly ranges: BlobRanges;
    private readonly cursor: HashCursor;
    private readonly precondition: PreconditionRecovery;
    private readonly notes: TransferNote[] = [];

    constructor(
        private readonly ctx: TransferContext,
        blob: BlobClient,
        private readonly source: Source,
        private readonly saved?: UploadCheckpoint,
    ) {
        this.ranges = new BlobRanges(blob, source.etag);
        const chunk = Math.max(ctx.fragmentBytes, FRAGMENT_QUANTUM);
        this.cursor = new HashCursor((s, e) => this.ranges.read(s, e), chunk, saved?.hash, saved?.offset ?? 0);
        this.precondition = new PreconditionRecovery(ctx.graph, remoteTarget(ctx.message), ctx.message.remote.ifMatch);
    }

    async run(): Promise<TransferResult> {
        try {
            const adopted = await this.resume();
            return adopted ?? (await this.loop());
        } catch (e) {
            // A session we will not come back to is cancelled rather than left to expire.
            if (e instanceof TransferError && e.outcome !== 'retry' && this.url)
                await cancelSession(this.ctx.http, this.url);
            throw e;
        }
    }

    /** Cancels the session of a checkpoint that will not be resumed. */
    async abandon(checkpoint?: UploadCheckpoint): Promise<void> {
        const url = checkpoint?.sealedUrl
            ? await openUrl(this.ctx.services, this.ctx.message.transferId, checkpoint.sealedUrl)
            : undefined;
        if (url) await cancelSession(this.ctx.http, url);
    }

    private async resume(): Promise<TransferResult | undefined> {
        const saved = this.saved;
        if (!saved) return undefined;
        this.sessions = saved.sessions;
        this.finalHash = saved.finalHash;
        this.offset = saved.offset;
        this.url = saved.sealedUrl
            ? await openUrl(this.ctx.services, this.ctx.message.transferId, saved.sealedUrl)
            : undefined;
        if (!this.url) return this.finalHash ? this.adoptCommitted() : undefined;
        // We may have died after Graph accepted a fragment and before the checkpoint: ask.
        return this.resync();
    }

    private async loop(): Promise<TransferResult> {
        const { ctx, source } = this;
        let progressed = false;
        let resyncs = 0;
        let notFound = 0;
        let reserveMs = 0;
        for (;;) {
            if (!this.url) await this.newSession();
            if (progressed) ctx.deadline.check(reserveMs);
            const end = this.fragmentEnd(this.offset);
            const bytes = await this.ranges.read(this.offset, end);
            const last = end + 1 === source.size;
            if (!last) this.ranges.prefetch(end + 1, this.fragmentEnd(end + 1));
            if (last && !this.finalHash) await this.prepareFinal(bytes);
            const started = Date.now();
            const reply = await putFragment(ctx.http, this.url as string, bytes, this.offset, source.size);
            await ctx.hooks.afterStep?.('fragment-sent');
            switch (reply.kind) {
                case 'accepted':
                    await this.moveTo(reply.next, bytes, this.offset);
                    await ctx.hooks.afterStep?.('fragment');
                    progressed = true;
                    resyncs = 0;
                    notFound = 0;
                    reserveMs = Math.min(2 * (Date.now() - started), 60_000);
                    break;
                case 'done':
                    await this.cursor.advanceTo(source.size, bytes, this.offset);
                    return this.finish(reply.item);
                case 'resync': {
                    if (++resyncs > MAX_RESYNCS)
                        throw retryLater(
                            'upload_unstable',
                            `The upload kept failing (${reply.reason}); the queue will retry it.`,
                        );
                    ctx.log.warn('upload fragment not confirmed, asking the session where it is', {
                        reason: reply.reason,
                        offset: this.offset,
                    });
                    await sleep(reply.reason === '416' ? 0 : backoffMs(resyncs - 1, 250, 8_000));
                    const adopted = await this.resync();
                    if (adopted) return adopted;
                    break;
                }
                case 'notFound': {
                    const adopted = await this.afterFragment404(++notFound);
                    if (adopted) return adopted;
                    if (!this.url) notFound = 0;
                    break;
                }
                default: {
                    const adopted = await this.handleLoss(reply);
                    if (adopted) return adopted;
                }
            }
        }
    }

    /**
     * A fragment PUT answered 404 "The upload session was not found". Busy SharePoint tenants say so
     * of sessions that are alive (rclone#8545; rclone retries the same fragment on the same session
     * after a pause, commit b31659904). So: pause, ask the session's status (GET uploadUrl); if it
     * answers, send the fragment again on it. Only a session whose status is gone too, or one that
     * keeps answering 404, is replaced.
     */
    private async afterFragment404(attempt: number): Promise<TransferResult | undefined> {
        if (attempt > MAX_TRANSIENT_404) {
            this.ctx.log.warn('upload fragments keep getting 404 on a live session; starting a new session', {
                attempts: attempt - 1,
            });
            return this.handleLoss({ kind: 'gone' });
        }
        await sleep(backoffMs(attempt - 1, 1_000, 8_000));
        const status = await sessionStatus(this.ctx.http, this.url as string);
        if (status.kind !== 'accepted') return this.handleLoss(status.kind === 'resync' ? { kind: 'gone' } : status);
        this.ctx.log.warn('upload fragment got 404 but the session is alive; sending it again on the same session', {
            attempt,
            offset: status.next,
        });
        if (!this.notes.some((n) => n.code === 'upload_session_recovered'))
            this.notes.push({
                code: 'upload_session_recovered',
                message:
                    'SharePoint answered 404 "upload session not found" to a fragment although the session was alive (a known fault of busy tenants, rclone#8545); the fragment was sent again on the same session after a pause.',
            });
        await this.moveTo(status.next);
        return undefined;
    }

    /** Asks the session for its offset (after a 416, a lost reply, or a restart). */
    private async resync(): Promise<TransferResult | undefined> {
        const reply = await sessionStatus(this.ctx.http, this.url as string);
        if (reply.kind === 'accepted') {
            await this.moveTo(reply.next);
            return undefined;
        }
        if (reply.kind === 'resync') return this.handleLoss({ kind: 'gone' });
        return this.handleLoss(reply);
    }

    /** 404 / 401 / 403 / a refusal: the session is unusable. */
    private async handleLoss(reply: SessionReply): Promise<TransferResult | undefined> {
        if (reply.kind === 'refused' && reply.error.status === 412) return this.afterLastFragment412(reply.error);
        if (reply.kind === 'refused') {
            // e.g. 409 nameAlreadyExists on the last fragment, 413, 507.
            throw classifyGraphError(reply.error);
        }
        if (reply.kind === 'gone' && this.finalHash) {
            // The last fragment may have been committed even though its reply was lost.
            const adopted = await this.adoptCommitted();
            if (adopted) return adopted;
        }
        this.ctx.log.warn(
            reply.kind === 'expired'
                ? 'upload URL expired, starting a new session'
                : 'upload session gone, starting a new session',
            { sessions: this.sessions },
        );
        this.url = undefined;
        return undefined;
    }

    /**
     * The last fragment of a session opened with If-Match answered 412 (abraunegg `src/onedrive.d`: 412,
     * then 416 on a retry): the session will not commit. Unless the item is ours already, a new session
     * goes out with the item's current eTag, if its content is still what the sync planned over.
     */
    private async afterLastFragment412(error: GraphError): Promise<TransferResult | undefined> {
        const url = this.url;
        this.url = undefined;
        if (url) await cancelSession(this.ctx.http, url);
        const adopted = this.finalHash ? await this.adoptCommitted() : undefined;
        if (adopted) return adopted;
        await this.precondition.after412(error);
        return undefined;
    }

    private async newSession(): Promise<void> {
        const { ctx, source } = this;
        if (this.sessions >= MAX_SESSIONS)
            throw retryLater(
                'upload_session_lost',
                `The upload session was lost ${this.sessions} times over several attempts; the queue retries the file, and a person can replay it.`,
            );
        if (this.sessionsNow >= SESSIONS_PER_DELIVERY) {
            // Not this file's fault: come back later, with a growing pause, rather than failing it for good.
            const pauses = Math.max(0, Math.floor(this.sessions / SESSIONS_PER_DELIVERY) - 1);
            const delayMs = Math.min(30_000 * 2 ** pauses, 60 * 60_000);
            throw new Paused('session_lost', Date.now() + delayMs, {
                code: 'upload_session_lost',
                message: `SharePoint lost the upload session ${this.sessionsNow} times in a row; the upload continues in ${Math.round(delayMs / 1000)} s.`,
            });
        }
        const target = remoteTarget(ctx.message);
        const item: Record<string, unknown> = {
            '@microsoft.graph.conflictBehavior': ctx.message.conflictBehavior,
            fileSize: source.size,
            fileSystemInfo: { lastModifiedDateTime: source.mtime },
        };
        if (!('itemId' in target)) item.name = target.name;
        for (;;) {
            try {
                const session = await ctx.graph.createUploadSession(target, item, this.precondition.ifMatch);
                this.url = session.uploadUrl;
                break;
            } catch (e) {
                if (!(e instanceof GraphError)) throw e;
                if (e.status !== 412) throw classifyGraphError(e);
                await this.precondition.after412(e);
            }
        }
        this.sessions++;
        this.sessionsNow++;
        this.offset = 0;
        this.finalHash = undefined;
        await this.cursor.advanceTo(0);
        await this.save();
        await ctx.hooks.afterStep?.('session');
    }

    private async moveTo(next: number, inHand?: Buffer, inHandStart = 0): Promise<void> {
        if (next > this.source.size)
            throw retryLater(
                'upload_out_of_range',
                `The session expects offset ${next} beyond the file's ${this.source.size} bytes.`,
            );
        await this.cursor.advanceTo(next, inHand, inHandStart);
        this.offset = next;
        await this.save();
    }

    /** Before the last fragment goes out: remember the whole file's hash, to recognise our own commit later. */
    private async prepareFinal(tail: Buffer): Promise<void> {
        await this.cursor.advanceTo(this.offset);
        this.finalHash = this.cursor.digestWith(tail);
        await this.save();
    }

    /** After a crash or a lost reply on the last fragment: is the item on Graph already ours? */
    private async adoptCommitted(): Promise<TransferResult | undefined> {
        const item = await this.ctx.graph.getItem(remoteTarget(this.ctx.message));
        if (!item?.file) return undefined;
        const hash = item.file.hashes?.quickXorHash;
        // An enriched file has another hash, and may have grown or shrunk (msgraph-sdk-dotnet#1222): its
        // mtime (to the second, as we sent it) is what says it is ours.
        const ours =
            (hash === this.finalHash && item.size === this.source.size) ||
            (mayBeEnriched(this.ctx.drive.graph?.driveType, item.name) &&
                sameSecond(item.fileSystemInfo?.lastModifiedDateTime, this.source.mtime));
        if (!ours) return undefined;
        this.ctx.log.info('the last fragment was committed before its reply was lost; adopting the item');
        this.url = undefined;
        await this.cursor.advanceTo(this.source.size);
        return this.finish(item);
    }

    private finish(item: DriveItem): TransferResult {
        const hash = this.cursor.digest();
        const { enriched, note } = checkUploaded(
            item,
            { size: this.source.size, hash },
            this.ctx.drive.graph?.driveType,
        );
        const notes = [...this.notes, ...this.precondition.notes, ...(note ? [note] : [])];
        return transferResult(item, { platformETag: this.source.etag, size: this.source.size, hash, enriched, notes });
    }

    private async save(): Promise<void> {
        const { ctx } = this;
        const checkpoint: UploadCheckpoint = {
            kind: 'upload',
            sealedUrl: this.url ? await sealUrl(ctx.services, ctx.message.transferId, this.url) : undefined,
            offset: this.offset,
            hash: this.cursor.at === this.offset ? this.cursor.save() : undefined,
            sourceETag: this.source.etag,
            finalHash: this.finalHash,
            sessions: this.sessions,
        };
        await ctx.journal.save(checkpoint, this.offset);
    }

    /**
     * The last byte of the fragment starting at `offset`: at most fragmentBytes, ending on the 320 KiB
     * grid (so an off-grid offset after a partial accept realigns), or at the end of the file.
     */
    private fragmentEnd(offset: number): number {
        const onGrid = Math.floor((offset + this.ctx.fragmentBytes) / FRAGMENT_QUANTUM) * FRAGMENT_QUANTUM;
        return Math.min(this.source.size, onGrid > offset ? onGrid : offset + this.ctx.fragmentBytes) - 1;
    }
}

function sameSecond(a: string | undefined, b: string): boolean {
    return a !== undefined && Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}
