import type { ItemOutcome } from '../contracts';
import { blobNameOf, META } from '../platform/platformLayout';
import { platformContainer } from '../platform/platformContainer';
import { asPlatformConflict } from '../platform/platformErrors';
import { copyBlob } from '../platform/platformWrites';
import type { ConflictKeepBoth } from '../plan/types';
import { ApplyContext, ApplyState, driveGraphId } from './applyContext';
import { outcome } from './outcomes';
import { recordPlatformChange } from './recordChange';
import { getRemoteItem, patchRemoteItem, RemoteItem } from './remoteOps';
import { enqueueTransfer, splitPath } from './transferQueue';
import { hash, ifMatch, platformTag } from './transferActions';

interface BlobFacts {
    etag: string;
    size: number;
    hash?: string;
}

/**
 * Both versions survive on both sides (types.ts ConflictKeepBoth). The loser's copy is made first,
 * inline and conditionally (a blob copy, or a remote rename with If-Match), so that nothing queued
 * afterwards can overwrite the only copy of either version; then the two transfers are queued.
 */
export async function applyConflictKeepBoth(
    ctx: ApplyContext,
    state: ApplyState,
    action: ConflictKeepBoth,
): Promise<ItemOutcome> {
    if (action.loser === 'platform') await platformLoses(ctx, state, action);
    else await remoteLoses(ctx, state, action);
    const where = action.loser === 'platform' ? 'platform' : 'SharePoint/OneDrive';
    return outcome(
        action,
        'conflict',
        action.reason.code,
        `${action.reason.message} Kept both: the ${where} version is now at ${action.conflictPath}.`,
        {
            hint: 'Compare the two files and delete the one you do not need; the deletion syncs.',
        },
    );
}

/** Copy the blob to conflictPath, upload it there, then download the remote version to path. */
async function platformLoses(ctx: ApplyContext, state: ApplyState, action: ConflictKeepBoth): Promise<void> {
    const remote = await checkedRemote(ctx, action);
    const container = await platformContainer(ctx.services);
    const sourceTag = state.etagOf(action.platformPath, action.preconditions.platformIfMatch);
    await copyBlob(
        container,
        blobNameOf(ctx.drive.id, action.platformPath),
        blobNameOf(ctx.drive.id, action.conflictPath),
        sourceTag,
    );
    const copy = await blobFacts(ctx, action.conflictPath);
    await recordPlatformChange(ctx, state, {
        type: 'conflict_copy',
        path: action.conflictPath,
        previousPath: action.path,
        isFolder: false,
        size: copy.size,
        etag: copy.etag,
        ...(copy.hash ? { quickXorHash: copy.hash } : {}),
    });
    await enqueueTransfer(
        ctx,
        state,
        action.id,
        {
            direction: 'upload',
            platformPath: action.conflictPath,
            remote: splitPath(action.conflictPath),
            expected: { size: copy.size, ...hash(copy.hash), platformETag: copy.etag },
            conflictBehavior: 'fail',
        },
        'upload',
    );
    await enqueueTransfer(
        ctx,
        state,
        action.id,
        {
            direction: 'download',
            platformPath: action.path,
            remote: {
                itemId: action.remoteId,
                ...splitPath(action.path),
                ...ifMatch(action.preconditions.remoteIfMatch),
            },
            expected: { size: remote.size ?? 0, ...hash(remote.file?.hashes?.quickXorHash), ...platformTag(sourceTag) },
            conflictBehavior: 'replace',
        },
        'download',
    );
}

/**
 * Rename the remote item to conflictPath, download it there, then upload the platform version to
 * path. The item's baseline row is forgotten: until both transfers land, neither side may be taken
 * for "unchanged since the baseline" (that could turn a failed transfer into a delete).
 */
async function remoteLoses(ctx: ApplyContext, state: ApplyState, action: ConflictKeepBoth): Promise<void> {
    const source = await blobFacts(
        ctx,
        action.platformPath,
        state.etagOf(action.platformPath, action.preconditions.platformIfMatch),
    );
    const from = splitPath(action.path);
    const to = splitPath(action.conflictPath);
    const change = { name: to.name, ...(from.parentPath !== to.parentPath ? { parentPath: to.parentPath } : {}) };
    const renamed = await patchRemoteItem(
        ctx.graph,
        driveGraphId(ctx.drive),
        action.remoteId,
        action.preconditions.remoteIfMatch,
        change,
    );
    state.forget(action.remoteId);
    await enqueueTransfer(
        ctx,
        state,
        action.id,
        {
            direction: 'download',
            platformPath: action.conflictPath,
            conflictCopyOf: action.path,
            remote: { itemId: action.remoteId, ...to, ...ifMatch(renamed.cTag ?? renamed.eTag) },
            expected: { size: renamed.size ?? 0, ...hash(renamed.file?.hashes?.quickXorHash) },
            conflictBehavior: 'fail',
        },
        'download',
    );
    await enqueueTransfer(
        ctx,
        state,
        action.id,
        {
            direction: 'upload',
            platformPath: action.platformPath,
            remote: from,
            expected: { size: source.size, ...hash(source.hash), platformETag: source.etag },
            conflictBehavior: 'fail',
        },
        'upload',
    );
}

/** The remote item as it is now; a tag other than the planned one is a 412, as Graph would say. */
async function checkedRemote(ctx: ApplyContext, action: ConflictKeepBoth): Promise<RemoteItem> {
    const item = await getRemoteItem(ctx.graph, driveGraphId(ctx.drive), action.remoteId);
    const planned = action.preconditions.remoteIfMatch;
    if (planned && planned !== item.eTag && planned !== item.cTag) {
        throw Object.assign(new Error('The item changed after the sync planned the conflict.'), {
            statusCode: 412,
            code: 'resourceModified',
        });
    }
    return item;
}

async function blobFacts(ctx: ApplyContext, path: string, ifMatchTag?: string): Promise<BlobFacts> {
    const container = await platformContainer(ctx.services);
    try {
        const props = await container
            .getBlobClient(blobNameOf(ctx.drive.id, path))
            .getProperties({ conditions: ifMatchTag ? { ifMatch: ifMatchTag } : undefined });
        const h = props.metadata?.[META.hash];
        return { etag: props.etag ?? '', size: props.contentLength ?? 0, ...(h ? { hash: h } : {}) };
    } catch (e) {
        throw asPlatformConflict(e, `Read ${path}`);
    }
}
