import { restStatus } from '../storage/restError';
import type { BlobClient, BlobGetPropertiesResponse } from '@azure/storage-blob';
import { platformBlobName, remoteTarget, type TransferContext, type TransferResult } from './context';
import { skipped } from './errors';
import { checkUploaded } from './integrity';
import { classifyGraphError, type DriveItem } from './graphApi';
import { PreconditionRecovery } from './precondition';
import { SessionUpload } from './sessionUpload';
import { transferResult } from './transferResult';
import { GraphError } from '../graph/graphError';

/**
 * Blob → Graph. Empty files go by simple PUT (sessions need a size above zero); everything else by
 * an upload session carrying the conflict behaviour and the original mtime, so no second PATCH (and
 * no extra version) is needed.
 */
export async function runUpload(ctx: TransferContext): Promise<TransferResult> {
    const { message } = ctx;
    const blob = ctx.services.storage.blob
        .getContainerClient(ctx.services.config.platformContainer)
        .getBlobClient(platformBlobName(message));
    const props = await sourceProperties(blob);
    const etag = props.etag as string;
    const size = props.contentLength ?? 0;
    const saved = ctx.journal.checkpoint;
    const checkpoint = saved?.kind === 'upload' && saved.sourceETag === etag ? saved : undefined;
    const session = new SessionUpload(ctx, blob, { etag, size, mtime: mtimeOf(props) }, checkpoint);
    if ((message.expected.platformETag && etag !== message.expected.platformETag) || size !== message.expected.size) {
        await session.abandon(saved?.kind === 'upload' ? saved : undefined);
        throw skipped(
            'source_changed',
            'The platform file changed after the sync planned this upload; the next sync re-plans it.',
        );
    }
    if (size === 0) return uploadEmpty(ctx, etag);
    return session.run();
}

async function uploadEmpty(ctx: TransferContext, platformETag: string): Promise<TransferResult> {
    const { message } = ctx;
    const target = remoteTarget(message);
    const precondition = new PreconditionRecovery(ctx.graph, target, message.remote.ifMatch);
    let item: DriveItem | undefined;
    while (!item) {
        try {
            item = await ctx.graph.putContent(
                target,
                new Uint8Array(0),
                message.conflictBehavior,
                precondition.ifMatch,
            );
        } catch (e) {
            if (!(e instanceof GraphError)) throw e;
            if (e.status !== 412) throw classifyGraphError(e);
            await precondition.after412(e);
        }
    }
    const hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const { enriched, note } = checkUploaded(item, { size: 0, hash }, ctx.drive.graph?.driveType);
    const notes = [...precondition.notes, ...(note ? [note] : [])];
    return transferResult(item, { platformETag, size: 0, hash, enriched, notes });
}

async function sourceProperties(blob: BlobClient): Promise<BlobGetPropertiesResponse> {
    try {
        return await blob.getProperties();
    } catch (e) {
        if (restStatus(e) === 404)
            throw skipped('source_missing', 'The platform file no longer exists; the next sync re-plans it.');
        throw e;
    }
}

/** The file's own modification time: the platform's `mtime` metadata when it set one, else the blob's. */
function mtimeOf(props: BlobGetPropertiesResponse): string {
    const raw = props.metadata?.mtime;
    const parsed = raw ? (/^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)) : NaN;
    const at = Number.isFinite(parsed) ? parsed : (props.lastModified ?? new Date()).getTime();
    // Graph keeps whole seconds.
    return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
