import type { ItemOutcome } from '../contracts';
import type { Action, Plan } from '../plan/types';
import { applyBaselineChanges } from '../state/baselineStore';
import { ApplyContext, ApplyState } from './applyContext';
import { applyConflictKeepBoth } from './conflictKeepBoth';
import { failure, ok, outcome } from './outcomes';
import { applyCreatePlatformFolder, applyDeletePlatform, applyMovePlatform } from './platformActions';
import { applyCreateRemoteFolder, applyDeleteRemote, applyMoveRemote } from './remoteActions';
import { runScheduled } from './schedule';
import { applyDownload, applyUpload } from './transferActions';

export type { ApplyContext } from './applyContext';

/** Independent actions run side by side, but few enough to stay well under Graph's per-app limits. */
const CONCURRENCY = 8;

const TRANSFER_KINDS = new Set<Action['kind']>(['upload', 'download', 'conflictKeepBoth']);
/** Outcomes after which dependents may go ahead (a queued transfer runs later, in its own order). */
const DONE = new Set<ItemOutcome['status']>(['ok', 'queued', 'conflict']);

/**
 * Carries out a plan: metadata actions inline (each conditional on the tags the plan saw), content
 * copies as queued transfers, then the baseline rows the completed actions established. Every action
 * yields exactly one outcome; a failing one stops only the actions that depend on it.
 */
export async function applyPlan(ctx: ApplyContext, plan: Plan): Promise<AppliedPlan> {
    if (plan.dryRun)
        return {
            outcomes: plan.actions.map((a) =>
                outcome(a, 'skipped', 'dry_run', `Dry run: would ${a.kind}. ${a.reason.message}`),
            ),
            transfersEnqueued: 0,
        };
    const state = new ApplyState(new Set(plan.actions.filter((a) => TRANSFER_KINDS.has(a.kind)).map((a) => a.item)));
    for (const folder of ctx.knownFolders ?? []) state.folders.add(folder);
    for (const a of plan.actions) {
        if (
            a.kind === 'createPlatformFolder' ||
            ((a.kind === 'renamePlatform' || a.kind === 'movePlatform') && a.isFolder)
        )
            state.folders.add(a.path);
    }
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    const tasks = plan.actions.map((action) => ({
        id: action.id,
        dependsOn: action.dependsOn,
        run: () => runAction(ctx, state, action).catch((e: unknown) => failure(action, e)),
        blocked: (dep: string) => blockedOutcome(action, byId.get(dep)),
        // An upload or download only enqueues; the batcher bounds its sends, and a batch fills only
        // if more than CONCURRENCY transfers may wait for it at once.
        unbounded: action.kind === 'upload' || action.kind === 'download',
    }));
    const outcomes = await runScheduled(tasks, (o) => DONE.has(o.status), CONCURRENCY);
    await writeBaseline(ctx, state);
    return {
        outcomes,
        transfersEnqueued: state.transfersEnqueued,
        recheck: unfinishedRemoteIds(plan.actions, outcomes),
    };
}

export interface AppliedPlan {
    outcomes: ItemOutcome[];
    transfersEnqueued: number;
    /**
     * SharePoint items whose action failed or waits for a retry. Delta will not list them again unless
     * they change, so the next run fetches them by id and plans them again (engine/reconcile.ts).
     */
    recheck?: string[];
}

function unfinishedRemoteIds(actions: readonly Action[], outcomes: readonly ItemOutcome[]): string[] {
    const ids = new Set<string>();
    actions.forEach((a, i) => {
        const status = outcomes[i]?.status;
        if ((status === 'failed' || status === 'retrying') && 'remoteId' in a && a.remoteId) ids.add(a.remoteId);
    });
    return [...ids];
}

function runAction(ctx: ApplyContext, state: ApplyState, action: Action): Promise<ItemOutcome> {
    switch (action.kind) {
        case 'createRemoteFolder':
            return applyCreateRemoteFolder(ctx, state, action);
        case 'renameRemote':
        case 'moveRemote':
            return applyMoveRemote(ctx, state, action);
        case 'deleteRemote':
            return applyDeleteRemote(ctx, state, action);
        case 'createPlatformFolder':
            return applyCreatePlatformFolder(ctx, state, action);
        case 'renamePlatform':
        case 'movePlatform':
            return applyMovePlatform(ctx, state, action);
        case 'deletePlatform':
            return applyDeletePlatform(ctx, state, action);
        case 'upload':
            return applyUpload(ctx, state, action);
        case 'download':
            return applyDownload(ctx, state, action);
        case 'conflictKeepBoth':
            return applyConflictKeepBoth(ctx, state, action);
        case 'updateBaseline':
            return Promise.resolve(updateBaseline(state, action));
        case 'skip':
            return Promise.resolve(
                outcome(action, 'skipped', action.rule, action.reason.message, { hint: action.hint }),
            );
        case 'holdDelete':
            return Promise.resolve(
                outcome(action, 'held', action.reason.code, `${action.reason.message} Held by the big-delete guard.`, {
                    hint: 'Approve the deletes for this drive if they are intended; until then nothing is deleted.',
                }),
            );
    }
}

function updateBaseline(state: ApplyState, action: Extract<Action, { kind: 'updateBaseline' }>): ItemOutcome {
    if (action.previousRemoteId && action.previousRemoteId !== action.entry?.remoteId)
        state.forget(action.previousRemoteId);
    if (action.entry) state.upsert(action.entry);
    return ok(action);
}

function blockedOutcome(action: Action, dependency: Action | undefined): ItemOutcome {
    const what = dependency
        ? `${dependency.kind} of ${dependency.kind === 'updateBaseline' ? dependency.item : dependency.path}`
        : 'an earlier action';
    return outcome(
        action,
        'retrying',
        'dependency_failed',
        `Not attempted: it waits for the ${what}, which did not complete.`,
        {
            hint: 'Fix the item it waits for (see its outcome); the next sync retries this one.',
        },
    );
}

/** Rows of moved blobs carry the blob's new ETag (a copy has a new one), so the next sync sees no change. */
async function writeBaseline(ctx: ApplyContext, state: ApplyState): Promise<void> {
    followMovedFolders(ctx, state);
    const upsert = [];
    const remove: string[] = [];
    for (const [remoteId, entry] of state.baseline) {
        if (!entry) remove.push(remoteId);
        else
            upsert.push(
                entry.isFolder
                    ? entry
                    : { ...entry, platformETag: state.etagOf(entry.platformPath, entry.platformETag) },
            );
    }
    const known = ctx.baseline
        ? { rows: new Map(ctx.baseline.map((b) => [b.remoteId, b])), complete: !!ctx.baselineComplete }
        : undefined;
    await applyBaselineChanges(ctx.services, ctx.drive.id, { upsert, remove }, known);
}

/**
 * A folder that moved carried its contents along on both sides. Descendants whose own action did not
 * complete (a failed rename inside a renamed folder, a transfer still queued) keep their row, under
 * the folder's new path: the baseline places items by path, and a row left under the old path would
 * hang from a parent that no longer exists (the next runs could not place the item at all).
 */
function followMovedFolders(ctx: ApplyContext, state: ApplyState): void {
    if (!ctx.baseline?.length) return;
    const before = new Map(ctx.baseline.map((b) => [b.remoteId, b]));
    const moves: { from: string; to: string }[] = [];
    for (const [remoteId, entry] of state.baseline) {
        const old = before.get(remoteId);
        if (entry?.isFolder && old?.isFolder && old.platformPath !== entry.platformPath)
            moves.push({ from: `${old.platformPath}/`, to: `${entry.platformPath}/` });
    }
    if (moves.length === 0) return;
    // Deepest first, so a folder moved inside a moved folder wins for its own contents.
    moves.sort((a, b) => b.from.length - a.from.length);
    for (const row of ctx.baseline) {
        if (state.baseline.has(row.remoteId)) continue;
        const move = moves.find((m) => row.platformPath.startsWith(m.from));
        if (move) state.upsert({ ...row, platformPath: move.to + row.platformPath.slice(move.from.length) });
    }
}
