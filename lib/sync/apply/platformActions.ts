import type { ItemOutcome } from '../contracts';
import { PlatformConflict } from '../platform/platformErrors';
import { createPlatformFolder, movePlatform, trashPlatform } from '../platform/platformWrites';
import type { CreatePlatformFolder, DeletePlatform, MovePlatform } from '../plan/types';
import { ApplyContext, ApplyState } from './applyContext';
import { ok } from './outcomes';
import { recordPlatformChange } from './recordChange';
import { trashPrefix } from '../platform/platformLayout';

/** The remote id of an action's item, when the planner keyed it by id (`id:<graph id>`). */
export function remoteIdOfItem(item: string): string | undefined {
    return item.startsWith('id:') ? item.slice(3) : undefined;
}

/** Creates the folder marker and records the pair; the remote eTag is learned at the next delta. */
export async function applyCreatePlatformFolder(
    ctx: ApplyContext,
    state: ApplyState,
    action: CreatePlatformFolder,
): Promise<ItemOutcome> {
    await createPlatformFolder({ services: ctx.services, driveId: ctx.drive.id }, action.path);
    const remoteId = remoteIdOfItem(action.item);
    // A folder's row only pairs the id with the path: folder tags never decide content (compare.ts).
    if (remoteId)
        state.upsert({
            remoteId,
            platformPath: action.path,
            isFolder: true,
            remoteETag: '',
            remoteSize: 0,
            platformSize: 0,
        });
    await recordPlatformChange(ctx, state, { type: 'created', path: action.path, isFolder: true });
    return ok(action);
}

export async function applyMovePlatform(
    ctx: ApplyContext,
    state: ApplyState,
    action: MovePlatform,
): Promise<ItemOutcome> {
    const ifMatch = action.isFolder ? undefined : state.etagOf(action.from, action.preconditions.platformIfMatch);
    const { etags } = await movePlatform(
        { services: ctx.services, driveId: ctx.drive.id, keepFolder: (p) => state.folders.has(p) },
        action.from,
        action.path,
        action.isFolder,
        ifMatch,
    );
    for (const [path, etag] of etags) state.blobETags.set(path, etag);
    const etag = action.isFolder ? undefined : etags.get(action.path);
    await recordPlatformChange(ctx, state, {
        type: 'moved',
        path: action.path,
        previousPath: action.from,
        isFolder: action.isFolder,
        ...(etag ? { etag } : {}),
    });
    return ok(action);
}

/** Deletes to the platform trash (`.trash/<driveId>/<runId>/…`, restorable); already gone counts as done. */
export async function applyDeletePlatform(
    ctx: ApplyContext,
    state: ApplyState,
    action: DeletePlatform,
): Promise<ItemOutcome> {
    const remoteId = remoteIdOfItem(action.item);
    try {
        const ifMatch = action.isFolder ? undefined : state.etagOf(action.path, action.preconditions.platformIfMatch);
        await trashPlatform(
            {
                services: ctx.services,
                driveId: ctx.drive.id,
                runId: ctx.runId,
                keepFolder: (p) => state.folders.has(p),
            },
            action.path,
            action.isFolder,
            ifMatch,
        );
    } catch (e) {
        if (!(e instanceof PlatformConflict && e.code === 'source_missing')) throw e;
        if (remoteId) state.forget(remoteId);
        // Recorded still: an earlier attempt of this run may have deleted it and stopped before recording.
        await recordDeleted(ctx, state, action);
        return ok(action, 'Already deleted on the platform.');
    }
    if (remoteId) state.forget(remoteId);
    await recordDeleted(ctx, state, action);
    return ok(action, `${action.reason.message} Moved to the platform trash (.trash/${ctx.drive.id}/${ctx.runId}/).`);
}

function recordDeleted(ctx: ApplyContext, state: ApplyState, action: DeletePlatform): Promise<void> {
    return recordPlatformChange(ctx, state, {
        type: 'deleted',
        path: action.path,
        isFolder: action.isFolder,
        trashPath: trashPrefix(ctx.drive.id, ctx.runId) + action.path,
    });
}
