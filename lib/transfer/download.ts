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
import { GraphCallError } from './http';
import { fetchRange, type RangeReply } from './rangeFetch';
import { isTrustedTransferUrl } from './trustedHosts';

const MAX_URL_REFRESHES = 5;
const MAX_RESTARTS = 3;
const MAX_BODY_RETRIES = 5;

/**
 * Graph → Blob: Range requests on the pre-authenticated URL (fetched just before use, re-fetched when
 * it stops working), each range staged as a block whose id derives from its offset, the hash checked
 * against the listed one BEFORE the block list is committed, and the commit conditional on the
 * platform ETag the sync planned with. The blob carries its quickXorHash in metadata.
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

    constructor(private readonly ctx: TransferContext) {
        this.blob = ctx.services.storage.blob
            .getContainerClient(ctx.services.config.platformContainer)
            .getBlockBlobClient(platformBlobName(ctx.message));
    }

    async run(): Promise<TransferResult> {
        const saved = this.ctx.journal.checkpoint;
        const checkpoint = saved?.kind === 'download' ? saved : undefined;
        await this.refreshItem();
        if (checkpoint) {
            const committed = await this.alreadyCommitted();
            if (committed) return committed;
            this.resumeFrom(checkpoint);
        }
        await this.transfer();
        return this.commit();
    }

    /** Reads the item now: the download URL is short-lived, and the item must still be what was planned. */
    private async refreshItem(): Promise<void> {
        const { message } = this.ctx;
        let item: DriveItem | undefined;
        try {
            item = await this.ctx.graph.getItem(remoteTarget(message));
        } catch (e) {
            throw e instanceof GraphCallError ? classifyGraphError(e) : e;
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
        this.item = item;
        this.url = url ?? '';
    }

    /** A crash between the commit and the journal write: the blob already says it is ours. */
    private async alreadyCommitted(): Promise<TransferResult | undefined> {
        const props = await this.blob.getProperties().catch(() => undefined);
        if (props?.metadata?.transferid !== this.ctx.message.transferId || !props.metadata.quickxorhash)
            return undefined;
        return this.result(props.etag as string, props.metadata.quickxorhash);
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
    }

    private async transfer(): Promise<void> {
        const size = this.item.size;
        let progressed = false;
        let bodyRetries = 0;
        while (this.offset < size) {
            if (progressed) this.ctx.deadline.check(1_000);
            const end = Math.min(this.offset + this.ctx.fragmentBytes, size) - 1;
            const reply = await fetchRange(this.ctx.http, this.url, this.offset, end, size);
            if (reply.kind === 'bytes') {
                await this.stage(this.offset, reply.bytes);
                progressed = true;
                bodyRetries = 0;
                continue;
            }
            if (reply.kind === 'whole') {
                await this.stageWhole(reply.body);
                return;
            }
            bodyRetries = await this.recover(reply, bodyRetries);
        }
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
                this.offset = 0;
                this.hash = new QuickXorHash();
                return bodyRetries;
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
    private async stageWhole(body: AsyncIterable<Uint8Array>): Promise<void> {
        this.offset = 0;
        this.hash = new QuickXorHash();
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
        if (this.offset !== this.item.size)
            throw retryLater('download_interrupted', `Got ${this.offset} of ${this.item.size} bytes.`);
    }

    private async commit(): Promise<TransferResult> {
        const { message, fragmentBytes } = this.ctx;
        const hash = this.hash.digest();
        const listed = this.item.file?.hashes?.quickXorHash;
        if (this.offset !== this.item.size || (listed && listed !== hash)) {
            throw failed(
                'hash_mismatch',
                `Downloaded ${this.offset} bytes with hash ${hash}; Graph lists ${this.item.size} bytes with hash ${listed ?? 'none'}.`,
            );
        }
        const ids: string[] = [];
        for (let at = 0; at < this.item.size; at += fragmentBytes) ids.push(blockId(message.transferId, at));
        const expected = message.expected.platformETag;
        // The hash is sealed, as every hash the service writes (sync/platform/metadataSeal.ts).
        const sealed = (await metadataSeal(this.ctx.services)).seal({ quickXorHash: hash }, this.item.size);
        try {
            const response = await this.blob.commitBlockList(ids, {
                conditions: expected ? { ifMatch: expected } : { ifNoneMatch: '*' },
                metadata: {
                    ...sealed,
                    transferid: message.transferId,
                    mtime: this.item.fileSystemInfo?.lastModifiedDateTime ?? '',
                },
            });
            await this.ctx.hooks.afterStep?.('commit');
            return this.result(response.etag as string, hash);
        } catch (e) {
            const status = (e as { statusCode?: number }).statusCode;
            if (status === 412 || status === 409)
                throw skipped(
                    'precondition_failed',
                    'The platform file changed after the sync planned this download; the next sync re-plans it.',
                );
            throw e;
        }
    }

    private result(platformETag: string, hash: string): TransferResult {
        return transferResult(this.item, { platformETag, size: this.item.size, hash, enriched: false });
    }

    private checkpoint(): DownloadCheckpoint {
        return {
            kind: 'download',
            offset: this.offset,
            hash: saveHash(this.hash),
            remoteETag: this.item.cTag ?? this.item.eTag,
            size: this.item.size,
            blockBytes: this.ctx.fragmentBytes,
            refetches: this.refreshes,
        };
    }
}

/** Same length for every block of a blob (Azure requires it); deterministic per transfer and offset. */
export function blockId(transferId: string, offset: number): string {
    const prefix = createHash('sha256').update(transferId).digest('hex').slice(0, 12);
    return Buffer.from(`${prefix}-${offset.toString().padStart(16, '0')}`).toString('base64');
}
