import type { ItemOutcome } from '../contracts';
import type { Download, Upload } from '../plan/types';
import { ApplyContext, ApplyState } from './applyContext';
import { outcome } from './outcomes';
import { enqueueTransfer, splitPath } from './transferQueue';

/**
 * Content copies never run inline: each becomes a transfer message (one file, one direction,
 * checkpointed by the transfer handler) carrying the tags the plan saw, so a file changed since
 * planning is skipped by the handler, never overwritten.
 */
export async function applyUpload(ctx: ApplyContext, state: ApplyState, action: Upload): Promise<ItemOutcome> {
    const newItem = action.remoteId === undefined;
    const transferId = await enqueueTransfer(ctx, state, action.id, {
        direction: 'upload',
        platformPath: action.from,
        remote: {
            ...(action.remoteId ? { itemId: action.remoteId } : {}),
            ...splitPath(action.path),
            ...ifMatch(action.preconditions.remoteIfMatch),
        },
        expected: {
            size: action.size,
            ...hash(action.contentHash),
            ...platformTag(state.etagOf(action.from, action.preconditions.platformIfMatch)),
        },
        // A new item must not replace one that appeared meanwhile (mustNotExist); an existing one is replaced by id, under If-Match.
        conflictBehavior: newItem ? 'fail' : 'replace',
    });
    return outcome(action, 'queued', action.reason.code, `${action.reason.message} Upload queued.`, { transferId });
}

/** `expected.platformETag` on a download is the blob it may replace (absent: the target must not exist). */
export async function applyDownload(ctx: ApplyContext, state: ApplyState, action: Download): Promise<ItemOutcome> {
    const mustNotExist = action.preconditions.mustNotExist?.includes('platform') ?? false;
    const transferId = await enqueueTransfer(ctx, state, action.id, {
        direction: 'download',
        platformPath: action.path,
        remote: { itemId: action.remoteId, ...splitPath(action.path), ...ifMatch(action.preconditions.remoteIfMatch) },
        expected: {
            size: action.size,
            ...hash(action.contentHash),
            ...platformTag(state.etagOf(action.path, action.preconditions.platformIfMatch)),
        },
        conflictBehavior: mustNotExist ? 'fail' : 'replace',
    });
    return outcome(action, 'queued', action.reason.code, `${action.reason.message} Download queued.`, {
        transferId,
    });
}

export function ifMatch(tag: string | undefined): { ifMatch?: string } {
    return tag ? { ifMatch: tag } : {};
}

export function hash(value: string | undefined): { quickXorHash?: string } {
    return value ? { quickXorHash: value } : {};
}

export function platformTag(etag: string | undefined): { platformETag?: string } {
    return etag ? { platformETag: etag } : {};
}
