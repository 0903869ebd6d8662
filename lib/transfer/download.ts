import { restStatus } from '../storage/restError';
import { createHash } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';
import { QuickXorHash } from '../hash/quickxorhash';
import { metadataSeal } from '../sync/platform/metadataSeal';
import { backoffMs, sleep } from './backoff';
import type { DownloadCheckpoint } from './checkpoint';
import { platformBlobName, remoteTarget, type TransferContext, type TransferResult } from './context';
import { failed, retryLater, skipped } from './errors';
import { classifyGraphError, type DriveItem } from './graphApi';
import { restoreHash, saveHash } from './hashState';
import { transferResult } from './transferResult';
import { isBusinessDrive, type TransferNote } from './integrity';
import { fetchRange, type RangeReply } from './rangeFetch';
import { isTrustedTransferUrl } from './trustedHosts';
import { GraphError } from '../graph/graphError';

const MAX_URL_REFRESHES = 5;
const MAX_RESTARTS = 3;
const MAX_BODY_RETRIES = 5;

/**
 * Graph → Blob: Range requests on the pre-authenticated URL (fetched just before use, re-fetched when
 * it stops working, every redirect hop checked), each range staged as a block whose id derives from
 * its offset, the bytes checked against the listing BEFORE the block list is committed, and the commit
 * conditional on the platform ETag the sync planned with. The blob carries its quickXorHash in metadata.
 *
 * SharePoint does not always serve what it lists: AIP-protected files download with another size and
 * hash (abraunegg `docs/application-config-options.md`, disable_download_validation), and some
 * SharePoint downloads differ from the listed size for no visible reason (abraunegg `src/sync.d`:
 * "From JSON: size 17133 / From HTTPS Server: Content-Length: 19340"). Microsoft documents no other
 * check, so the transfer verifies what was served against what the server declared (Content-Range,
 * Content-Length), keeps it when it is stable, records its hash as the platform side's, and says so.
 */
export async function runDownload(ctx: TransferContext): Promise<TransferResult> {
    const d = new Download(ctx);
    return d.run();
}

class Download {
    private readonly blob: BlockBlobClient;
    private item!: DriveItem;
    private url = '';
    private refreshes = 0;
    private restarts = 0;
    private offset = 0;
    private hash = new QuickXorHash();
    /** The size the server serves: the listed one until a Content-Range or Content-Length says otherwise. */
    private size = 0;
    /** The hash of a first complete read that did not match the listing (confirmed by a second read). */
    private firstRead?: string;
    private sizeChanges = 0;
    /** A file that came in one range: kept here and written by one Put Blob at the commit. */
    private whole: Buffer | undefined;

    constructor(private readonly ctx: TransferContext) {
        this.blob = ctx.services.storage.blob
            .getContainerClient(ctx.services.config.platformContainer)
            .getBlockBlobClient(platformBlobName(ctx.message));
    }

    async run(): Promise<TransferResult> {
        const saved = this.ctx.journal.checkpoint;
        const checkpoint = saved?.kind === 'download' ? saved : undefined;
        await this.refreshItem();
        // A file of one range leaves no checkpoint (keepWhole): an earlier attempt is what says to look.
        if (checkpoint || this.ctx.journal.record.attempts > 1) {
            const committed = await this.alreadyCommitted();
            if (committed) return committed;
            if (checkpoint) this.resumeFrom(checkpoint);
        }
        for (;;) {
            await this.transfer();
            const notes = this.verify();
            if (notes) return this.commit(notes);
            this.startOver();
        }
    }

    /** Reads the item now: the download URL is short-lived, and the item must still be what was planned. */
    private async refreshItem(): Promise<void> {
        const { message } = this.ctx;
        let item: DriveItem | undefined;
        try {
            item = await this.ctx.graph.getItem(remoteTarget(message));
        } catch (e) {
            throw e instanceof GraphError ? classifyGraphError(e) : e;
        }
        if (!item || !item.file)
            throw skipped('source_missing', 'The item is gone from the drive; the next sync re-plans it.');
        if (item.malware)
            throw failed(
                'malware_detected',
                `Microsoft flagged this file as malware (${item.malware.description ?? 'unnamed'}); it is not downloaded.`,
            );
        const ifMatch = message.remote.ifMatch;
        if (ifMatch && ifMatch !== item.eTag && ifMatch !== item.cTag)
            throw skipped(
                'source_changed',
                'The item changed after the sync planned this download; the next sync re-plans it.',
            );
        if (
            message.expected.quickXorHash &&
            item.file.hashes?.quickXorHash &&
            item.file.hashes.quickXorHash !== message.expected.quickXorHash
        ) {
            throw skipped(
                'source_changed',
                "The item's content changed after the sync planned this download; the next sync re-plans it.",
            );
        }
        const url = item['@microsoft.graph.downloadUrl'];
        if (item.size > 0 && (!url || !isTrustedTransferUrl(url, this.ctx.services.config.m365.trustedHosts))) {
            throw failed(
                'untrusted_download_url',
                "Graph returned no download URL, or one on a host that is not Microsoft's.",
            );
        }
        if (this.item && (item.cTag ?? item.eTag) !== (this.item.cTag ?? this.item.eTag))
            throw skipped('source_changed', 'The item changed during the download; the next sync re-plans it.');
        if (!this.item) this.size = item.size;
        this.item = item;
        this.url = url ?? '';
    }

    /** A crash between the commit and the journal write: the blob already says it is ours. */
    private async alreadyCommitted(): Promise<TransferResult | undefined> {
        const props = await this.blob.getProperties().catch(() => undefined);
        if (props?.metadata?.transferid !== this.ctx.message.transferId || !props.metadata.quickxorhash)
            return undefined;
        const size = props.contentLength ?? this.item.size;
        const hash = props.metadata.quickxorhash;
        const notes = size === this.item.size && hash === this.listedHash ? [] : [served(this.item, size, hash)];
        return this.result(props.etag as string, hash, size, notes);
    }

    private resumeFrom(c: DownloadCheckpoint): void {
        const restored = restoreHash(c.hash, c.offset);
        const sameSource =
            c.remoteETag === (this.item.cTag ?? this.item.eTag) &&
            c.size === this.item.size &&
            c.blockBytes === this.ctx.fragmentBytes;
        if (!restored || !sameSource) return;
        this.hash = restored;
        this.offset = c.offset;
        this.refreshes = c.refetches;
        this.size = c.servedSize ?? c.size;
    }

    private async transfer(): Promise<void> {
        let progressed = false;
        let bodyRetries = 0;
        while (this.offset < this.size) {
            if (progressed) this.ctx.deadline.check(1_000);
            const end = Math.min(this.offset + this.ctx.fragmentBytes, this.size) - 1;
            const reply = await fetchRange(
                this.ctx.http,
                this.url,
                this.offset,
                end,
                this.ctx.services.config.m365.trustedHosts,
            );
            if (reply.kind === 'bytes') {
                if (reply.total !== undefined && reply.total !== this.size) {
                    // The server has another size than Graph lists. Learnt on the first range, it is the
                    // size to fetch; changing mid-way, the file changed under us: start over cleanly.
                    if (this.offset !== 0 || ++this.sizeChanges > MAX_RESTARTS) {
                        bodyRetries = await this.recover(
                            { kind: 'mismatch', reason: 'served size changed' },
                            bodyRetries,
                        );
                        continue;
                    }
                    this.ctx.log.warn('the download serves another size than Graph lists', {
                        listed: this.item.size,
                        served: reply.total,
                    });
                    this.size = reply.total;
                    // Block ids derive from offsets on the fragment grid: fetch the first block again if it fell short.
                    if (reply.bytes.length !== Math.min(this.ctx.fragmentBytes, this.size)) continue;
                }
                if (this.offset === 0 && reply.bytes.length === this.size) this.keepWhole(reply.bytes);
                else await this.stage(this.offset, reply.bytes);
                progressed = true;
                bodyRetries = 0;
                continue;
            }
            if (reply.kind === 'whole') {
                await this.stageWhole(reply.body, reply.length);
                return;
            }
            bodyRetries = await this.recover(reply, bodyRetries);
        }
    }

    /**
     * The bytes are in. When they match the listing: notes are empty. When they do not, the server's
     * own framing already held (every range matched its Content-Range and the declared total), so they
     * are what SharePoint serves: an AIP-protected file (Business drive, size and hash both differ,
     * abraunegg `src/sync.d` "POTENTIAL AIP FILE") is kept at once; any other difference is kept once a
     * second read gives the same bytes. `undefined`: read again.
     */
    private verify(): TransferNote[] | undefined {
        const hash = this.hash.digest();
        const listed = this.listedHash;
        if (this.offset === this.item.size && (!listed || listed === hash)) return [];
        const aip =
            isBusinessDrive(this.ctx.drive.graph?.driveType) &&
            this.offset !== this.item.size &&
            !!listed &&
            listed !== hash;
        if (aip || this.firstRead === hash) return [served(this.item, this.offset, hash)];
        if (this.firstRead !== undefined)
            throw retryLater(
                'download_unstable',
                `Two reads of the file served different bytes (hashes ${this.firstRead} and ${hash}); Graph lists ${this.item.size} bytes with hash ${listed ?? 'none'}. The queue retries it.`,
            );
        this.ctx.log.warn('downloaded bytes differ from what Graph lists; reading them again to confirm', {
            listedSize: this.item.size,
            servedSize: this.offset,
        });
        this.firstRead = hash;
        return undefined;
    }

    private startOver(): void {
        this.offset = 0;
        this.hash = new QuickXorHash();
        this.whole = undefined;
    }

    /**
     * A file of one range (at most TRANSFER_FRAGMENT_BYTES) skips the block list: its bytes are checked
     * in memory and written by one Put Blob under the same conditions, one Storage transaction instead
     * of Put Block + Put Block List, and no checkpoint (a resume would redo one range request anyway;
     * an attempt after a kill finds the committed blob by its transfer id, alreadyCommitted).
     */
    private keepWhole(bytes: Buffer): void {
        this.whole = bytes;
        this.hash.update(bytes);
        this.offset = bytes.length;
    }

    private get listedHash(): string | undefined {
        return this.item.file?.hashes?.quickXorHash;
    }

    private async recover(
        reply: Exclude<RangeReply, { kind: 'bytes' | 'whole' }>,
        bodyRetries: number,
    ): Promise<number> {
        switch (reply.kind) {
            case 'malware':
                throw failed(
                    'malware_detected',
                    `Microsoft flagged this file as malware (${reply.virus}); it is not downloaded.`,
                );
            case 'expired':
                if (++this.refreshes > MAX_URL_REFRESHES)
                    throw retryLater('download_url_refused', 'The download URL kept being refused.');
                this.ctx.log.warn('download URL refused, fetching a fresh one', { status: reply.status });
                await this.refreshItem();
                return bodyRetries;
            case 'mismatch':
                if (++this.restarts > MAX_RESTARTS)
                    throw retryLater(
                        'download_range_refused',
                        `The download did not honour Range requests (${reply.reason}).`,
                    );
                this.ctx.log.warn('unexpected range response, restarting the download cleanly', {
                    reason: reply.reason,
                });
                this.startOver();
                this.size = this.item.size;
                return bodyRetries;
            case 'untrusted':
                // Never followed: the URL is a credential, and the bytes would come from a host nobody vetted.
                throw failed(
                    'untrusted_redirect',
                    `The download URL redirected to ${reply.host}, which is neither a Microsoft host nor a configured trusted host (M365_TRUSTED_HOSTS); nothing was downloaded.`,
                );
            case 'broken':
                if (bodyRetries >= MAX_BODY_RETRIES)
                    throw retryLater('download_interrupted', `The download kept failing (${reply.reason}).`);
                await sleep(backoffMs(bodyRetries, 250, 8_000));
                return bodyRetries + 1;
            default:
                throw classifyGraphError(reply.error);
        }
    }

    private async stage(offset: number, bytes: Buffer): Promise<void> {
        await this.blob.stageBlock(blockId(this.ctx.message.transferId, offset), bytes, bytes.length);
        await this.ctx.hooks.afterStep?.('block-staged');
        this.hash.update(bytes);
        this.offset = offset + bytes.length;
        await this.ctx.journal.save(this.checkpoint(), this.offset);
        await this.ctx.hooks.afterStep?.('block');
    }

    /** The server ignored Range (allowed): take the whole body from byte 0, block by block. */
    private async stageWhole(body: AsyncIterable<Uint8Array>, length: number | undefined): Promise<void> {
        this.offset = 0;
        this.hash = new QuickXorHash();
        if (length !== undefined) this.size = length;
        const block = Buffer.allocUnsafe(this.ctx.fragmentBytes);
        let filled = 0;
        const chunks = body[Symbol.asyncIterator]();
        for (;;) {
            const next = await chunks.next().catch((e: unknown) => {
                throw retryLater('download_interrupted', `The download was cut off (${(e as Error).message}).`);
            });
            if (next.done) break;
            const chunk = next.value;
            for (let at = 0; at < chunk.length;) {
                const n = Math.min(block.length - filled, chunk.length - at);
                block.set(chunk.subarray(at, at + n), filled);
                filled += n;
                at += n;
                if (filled === block.length) {
                    await this.stage(this.offset, Buffer.from(block));
                    filled = 0;
                }
            }
        }
        if (filled > 0) await this.stage(this.offset, Buffer.from(block.subarray(0, filled)));
        // Without a Content-Length, a body that ended cleanly is the whole of what the server has.
        if (length === undefined) this.size = this.offset;
        if (this.offset !== this.size)
            throw retryLater('download_interrupted', `Got ${this.offset} of ${this.size} bytes.`);
    }

    private async commit(notes: TransferNote[]): Promise<TransferResult> {
        const { message, fragmentBytes } = this.ctx;
        const hash = this.hash.digest();
        const ids: string[] = [];
        for (let at = 0; at < this.size; at += fragmentBytes) ids.push(blockId(message.transferId, at));
        const expected = message.expected.platformETag;
        // The hash is sealed, as every hash the service writes (sync/platform/metadataSeal.ts).
        const sealed = (await metadataSeal(this.ctx.services)).seal({ quickXorHash: hash }, this.item.size);
        const options = {
            conditions: expected ? { ifMatch: expected } : { ifNoneMatch: '*' },
            metadata: {
                ...sealed,
                transferid: message.transferId,
                mtime: this.item.fileSystemInfo?.lastModifiedDateTime ?? '',
            },
        };
        try {
            const response = this.whole
                ? await this.blob.upload(this.whole, this.whole.length, options)
                : await this.blob.commitBlockList(ids, options);
            await this.ctx.hooks.afterStep?.('commit', message.transferId);
            return this.result(response.etag as string, hash, this.size, notes);
        } catch (e) {
            const status = restStatus(e);
            if (status === 412 || status === 409)
                throw skipped(
                    'precondition_failed',
                    'The platform file changed after the sync planned this download; the next sync re-plans it.',
                );
            throw e;
        }
    }

    /** The platform side is what was served; SharePoint's side stays as Graph lists it (what delta compares). */
    private result(platformETag: string, hash: string, size: number, notes: TransferNote[]): TransferResult {
        return transferResult(this.item, { platformETag, size, hash, enriched: false, notes });
    }

    private checkpoint(): DownloadCheckpoint {
        return {
            kind: 'download',
            offset: this.offset,
            hash: saveHash(this.hash),
            remoteETag: this.item.cTag ?? this.item.eTag,
            size: this.item.size,
            servedSize: this.size,
            blockBytes: this.ctx.fragmentBytes,
            refetches: this.refreshes,
        };
    }
}

/** The note of a download kept although it differs from the listing. */
function served(listed: DriveItem, size: number, hash: string): TransferNote {
    return {
        code: 'served_content_differs',
        message: `SharePoint served ${size} bytes with hash ${hash} where Graph lists ${listed.size} bytes with hash ${listed.file?.hashes?.quickXorHash ?? 'none'} (an Azure Information Protection file, or a file SharePoint rewrote). The served bytes are kept and their hash recorded; the next sync moves nothing unless the file changes.`,
    };
}

/** Same length for every block of a blob (Azure requires it); deterministic per transfer and offset. */
export function blockId(transferId: string, offset: number): string {
    const prefix = createHash('sha256').update(transferId).digest('hex').slice(0, 12);
    return Buffer.from(`${prefix}-${offset.toString().padStart(16, '0')}`).toString('base64');
}
