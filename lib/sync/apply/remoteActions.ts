import { graphFailure } from '../../graph/graphClient';
import type { ItemOutcome } from '../contracts';
import type { BaselineEntry, CreateRemoteFolder, DeleteRemote, MoveRemote } from '../plan/types';
import { getBaselineEntry } from '../state/baselineStore';
import { ApplyContext, ApplyState, driveGraphId } from './applyContext';
import { ok } from './outcomes';
import { createRemoteFolder, deleteRemoteItem, patchRemoteItem, RemoteItem } from './remoteOps';
import { splitPath } from './transferQueue';

/** Creates the folder in SharePoint/OneDrive and records the pair (the planner cannot know the new id). */
export async function applyCreateRemoteFolder(
    ctx: ApplyContext,
    state: ApplyState,
    action: CreateRemoteFolder,
): Promise<ItemOutcome> {
    const { parentPath, name } = splitPath(action.path);
    const created = await createRemoteFolder(ctx.graph, driveGraphId(ctx.drive), parentPath, name);
    state.upsert({
        remoteId: created.id,
        platformPath: action.path,
        isFolder: true,
        remoteETag: created.eTag,
        remoteSize: 0,
        platformSize: 0,
    });
    return ok(action);
}

/**
 * Renames or moves by id with the planned eTag. The item's row then follows it, with the new eTag,
 * unless a content transfer of the item is still to come: the old tags then stay, so a transfer that
 * fails is still seen as a difference by the next sync (never silently agreed on).
 */
export async function applyMoveRemote(ctx: ApplyContext, state: ApplyState, action: MoveRemote): Promise<ItemOutcome> {
    const from = splitPath(action.from);
    const to = splitPath(action.path);
    const change = {
        ...(from.name !== to.name ? { name: to.name } : {}),
        ...(action.kind === 'moveRemote' || from.parentPath !== to.parentPath ? { parentPath: to.parentPath } : {}),
    };
    const moved = await patchRemoteItem(
        ctx.graph,
        driveGraphId(ctx.drive),
        action.remoteId,
        action.preconditions.remoteIfMatch,
        change,
    );
    // A row this run already wrote (or forgot, null) is newer than the table's.
    const previous = state.baseline.has(action.remoteId)
        ? state.baseline.get(action.remoteId)
        : await getBaselineEntry(ctx.services, ctx.drive.id, action.remoteId);
    if (previous) state.upsert(movedRow(previous, moved, action.path, state.itemsWithTransfers.has(action.item)));
    return ok(action);
}

function movedRow(previous: BaselineEntry, moved: RemoteItem, path: string, transferPending: boolean): BaselineEntry {
    if (transferPending) return { ...previous, platformPath: path };
    return {
        ...previous,
        platformPath: path,
        remoteETag: moved.eTag,
        ...(moved.cTag ? { remoteCTag: moved.cTag } : {}),
    };
}

/** Deletes to the recycle bin with the planned eTag; already gone counts as done. */
export async function applyDeleteRemote(
    ctx: ApplyContext,
    state: ApplyState,
    action: DeleteRemote,
): Promise<ItemOutcome> {
    try {
        await deleteRemoteItem(ctx.graph, driveGraphId(ctx.drive), action.remoteId, action.preconditions.remoteIfMatch);
    } catch (e) {
        if (graphFailure(e)?.statusCode !== 404) throw e;
        state.forget(action.remoteId);
        return ok(action, 'Already deleted in SharePoint/OneDrive.');
    }
    state.forget(action.remoteId);
    return ok(action, `${action.reason.message} Moved to the recycle bin.`);
}
