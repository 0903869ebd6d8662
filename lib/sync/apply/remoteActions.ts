import type { ItemOutcome } from '../contracts';
import type { BaselineEntry, CreateRemoteFolder, DeleteRemote, MoveRemote } from '../plan/types';
import { getBaselineEntry } from '../state/baselineStore';
import { ApplyContext, ApplyState, driveGraphId } from './applyContext';
import { ok, outcome } from './outcomes';
import { createRemoteFolder, deleteRemoteItem, getRemoteItem, patchRemoteItem, RemoteItem } from './remoteOps';
import { splitPath } from './transferQueue';
import { graphError } from '../../graph/graphError';

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
    const patched = await patchAfterSpurious412(ctx, action, change);
    if ('refused' in patched) return patched.refused;
    const { moved, note } = patched;
    // A row this run already wrote (or forgot, null) is newer than the table's.
    const previous = state.baseline.has(action.remoteId)
        ? state.baseline.get(action.remoteId)
        : await getBaselineEntry(ctx.services, ctx.drive.id, action.remoteId);
    if (previous) state.upsert(movedRow(previous, moved, action.path, state.itemsWithTransfers.has(action.item)));
    return ok(action, note ? `${action.reason.message} ${note}` : undefined);
}

/**
 * PATCH with the planned eTag. A 412 usually means the item changed after planning (the run's outcome
 * says so and the next sync re-plans), but SharePoint also answers 412 to the exact current eTag
 * (onedrive-api-docs#1716). So after a 412 the item is read again: still carrying the planned tag, the
 * PATCH is sent once more with its current eTag; a second 412 then is SharePoint's, not a change.
 */
async function patchAfterSpurious412(
    ctx: ApplyContext,
    action: MoveRemote,
    change: { name?: string; parentPath?: string },
): Promise<{ moved: RemoteItem; note?: string } | { refused: ItemOutcome }> {
    const driveId = driveGraphId(ctx.drive);
    const ifMatch = action.preconditions.remoteIfMatch;
    try {
        return { moved: await patchRemoteItem(ctx.graph, driveId, action.remoteId, ifMatch, change) };
    } catch (e) {
        if (graphError(e)?.status !== 412 || !ifMatch) throw e;
        const current = await getRemoteItem(ctx.graph, driveId, action.remoteId).catch(() => undefined);
        if (!current || (current.eTag !== ifMatch && current.cTag !== ifMatch)) throw e;
        try {
            const moved = await patchRemoteItem(ctx.graph, driveId, action.remoteId, current.eTag, change);
            return {
                moved,
                note: 'SharePoint first answered 412 although the item had not changed (a known SharePoint fault, onedrive-api-docs#1716); the change was sent again with its current eTag.',
            };
        } catch (again) {
            const failure = graphError(again);
            if (failure?.status !== 412) throw again;
            return {
                refused: outcome(
                    action,
                    'retrying',
                    'precondition_failed_spurious',
                    'SharePoint answered 412 twice although the item had not changed since the sync planned.',
                    {
                        graphCode: failure.code,
                        ...(failure.requestId ? { requestId: failure.requestId } : {}),
                        hint: 'Nothing was changed; the next sync tries again. If it keeps happening, quote the request id to Microsoft support.',
                    },
                ),
            };
        }
    }
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
        if (graphError(e)?.status !== 404) throw e;
        state.forget(action.remoteId);
        return ok(action, 'Already deleted in SharePoint/OneDrive.');
    }
    state.forget(action.remoteId);
    return ok(action, `${action.reason.message} Moved to the recycle bin.`);
}
