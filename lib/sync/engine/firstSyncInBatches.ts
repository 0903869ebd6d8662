import type { ApplyContext } from '../apply/applyContext';
import { type ActionKind, type BaselineEntry, type ConflictPolicy, type Plan } from '../plan';
import { firstSyncBatches, planBatch, remoteGroup, type FolderIndex, type PlanBatch } from '../plan/batches';
import { foldPath } from '../plan/paths';
import { readFullListing, type DeltaItem } from '../remote';
import { planOutcomes, type OutcomeWriter } from '../runs';
import { StagingWriter, dropStaging, stagedGroups } from '../state/firstSyncStaging';
import type { SyncDeps } from './deps';
import { GUARD_OFF } from './heldDeletes';
import type { DriveLease } from './lease';
import type { PhaseTimer } from './phaseTimer';
import { RowGroups } from './rowGroups';
import type { RunDeleteGuard } from './runDeleteGuard';

/**
 * The most items (both sides) one batch of a first sync plans and applies at once: the planner's
 * working set, and so the run's memory, stays this size whatever the drive holds.
 */
export const FIRST_SYNC_BATCH = 5_000;

export interface FirstSyncInput {
    ctx: ApplyContext;
    deps: SyncDeps;
    /** The journal partition holding every page of the full listing (enumerateDelta with retain 'journal'). */
    enumerationId: string;
    knownRootId?: string;
    policy: ConflictPolicy;
    dryRun: boolean;
    now: string;
    lease: DriveLease;
    timer: PhaseTimer;
    batchSize?: number;
    /** The library's decoded server-relative path length, counted in the 400-character limit (rootPath.ts). */
    rootPathLength?: number;
    /** Each batch's outcomes are written as soon as it is applied, not held for the whole run. */
    outcomes: OutcomeWriter;
    /**
     * Set when a first sync cut short resumes with rows its transfers folded meanwhile: the rows are
     * staged too and each batch is planned three-way against its own (see firstSyncInBatches), its
     * deletes counted over the run by this guard.
     */
    resume?: { guard: (driveItemCount: number) => RunDeleteGuard };
}

export interface FirstSyncResult {
    /** The run's plan in summary: counts over every batch (the actions themselves are gone with their batch). */
    plan: Plan;
    transfersEnqueued: number;
    batches: number;
    /** Items delta listed (every occurrence), entries planned per side, and the orphans left alone. */
    listed: number;
    remoteEntries: number;
    platformEntries: number;
    orphans: DeltaItem[];
    rootId?: string;
    /** SharePoint items whose action failed (applyPlan's `recheck`), for the next run. */
    recheck: string[];
    /** Rows a resume staged (0 on a fresh first sync). */
    baselineEntries: number;
}

/**
 * A first sync without holding the drive: the delta listing is read back from the page journal and the
 * platform store is listed page by page; both go into the staging table (state/firstSyncStaging.ts),
 * which hands them back folder by folder; batches of whole folders are planned and applied in turn.
 * Held in memory: the folders of each side, a few bytes per item to keep the last occurrence of an
 * id, and one batch. A fresh first sync never deletes, so no big-delete guard or held deletes span
 * batches.
 *
 * A resume (rows exist: the transfers of a first sync cut short were folded into the baseline) must
 * not merge what changed in between as a first sync would (a platform rename or delete of a synced
 * file copied back, an edit kept twice). So the rows are streamed into the staging table first, as a
 * third side grouped by the folder of their platform path, and every listed item that has a row is
 * staged in its row's group (RowGroups). Each batch is then planned over its own rows and its context
 * folders' rows, as an incremental run plans the whole drive (`firstSync: false`, `resync: false`):
 * an item with a row three-way against it (platform now, row, SharePoint listing), an item without one
 * new on its side, paired by name with its counterpart, never deleted. `resync: false` because the
 * listing is older than the rows its transfers wrote: a row whose item it does not list (a file the
 * first attempt uploaded) is unchanged in SharePoint, never unknown or deleted. A change that spans
 * batches (a platform move to another folder) is seen as a delete and a creation (the SharePoint item
 * to the recycle bin, the platform file uploaded anew): the same end state, nothing lost. So does a
 * SharePoint move to another folder that the listing shows (its last page only is read again): it is
 * planned in its row's batch, without the other children of its new folder (README: known limit).
 * Deletes now happen, so the run's RunDeleteGuard holds them once they pass the big-delete limits over
 * the run.
 */
export async function firstSyncInBatches(input: FirstSyncInput): Promise<FirstSyncResult> {
    const { ctx, deps, dryRun, lease, timer } = input;
    const { services, drive } = ctx;
    const folders: FolderIndex = { remote: new Map(), platform: new Map() };
    const staged = await timer.time('stage', async () => {
        const staging = await StagingWriter.open(services, drive.id);
        const rows = input.resume ? await stageBaseline(input, staging, folders) : undefined;
        const listing = await readFullListing(services, drive.id, input.enumerationId, input.knownRootId);
        let remote = 0;
        for await (const page of listing.entries()) {
            for (const e of page) {
                if (e.isFolder && !e.deleted) folders.remote.set(foldPath(e.path), e);
                const group = rows && remoteGroup(e, rows.groupOf(e.id));
                if (staging.addRemote(e, group)) await staging.flush();
                remote++;
            }
            lease.assertHeld();
        }
        let platform = 0;
        for await (const page of deps.streamPlatformEntries(services, drive)) {
            for (const e of page) {
                if (e.isFolder) folders.platform.set(foldPath(e.path), e);
                if (staging.addPlatform(e)) await staging.flush();
                platform++;
            }
        }
        await staging.flush();
        return { listing, remote, platform, rows: rows?.size ?? 0 };
    });
    const guard = input.resume?.guard(Math.max(staged.remote, staged.rows));
    const counts: Partial<Record<ActionKind, number>> = {};
    let transfersEnqueued = 0;
    const recheck: string[] = [];
    let index = 0;
    for await (const batch of firstSyncBatches(
        stagedGroups(services, drive.id),
        folders,
        input.batchSize ?? FIRST_SYNC_BATCH,
    )) {
        const planned = await timer.time('plan', async () =>
            planBatch(
                batch,
                {
                    policy: input.policy,
                    driveItemCount: staged.remote,
                    options: {
                        firstSync: true,
                        resync: false,
                        dryRun,
                        bigDelete: GUARD_OFF,
                        now: input.now,
                        rootPathLength: input.rootPathLength,
                    },
                },
                index,
                !!input.resume,
            ),
        );
        const plan = guard ? guard.check(planned) : planned;
        lease.assertHeld();
        const applied = dryRun
            ? { outcomes: planOutcomes(plan), transfersEnqueued: 0 }
            : await timer.time('apply', () => deps.applyPlan(input.resume ? batchContext(ctx, batch) : ctx, plan));
        await timer.time('record', () => input.outcomes.write(applied.outcomes));
        transfersEnqueued += applied.transfersEnqueued;
        if ('recheck' in applied && applied.recheck) recheck.push(...applied.recheck.slice(0, 500 - recheck.length));
        for (const [kind, n] of Object.entries(plan.counts) as [ActionKind, number][])
            counts[kind] = (counts[kind] ?? 0) + n;
        index++;
    }
    await dropStaging(services, drive.id).catch(() => undefined);
    return {
        plan: {
            actions: [],
            heldDeletes: guard?.held ?? false,
            dryRun,
            counts,
            deletes: guard ? { ...guard.deletes } : { remote: 0, platform: 0 },
        },
        transfersEnqueued,
        batches: index,
        listed: staged.listing.listed,
        remoteEntries: staged.remote,
        platformEntries: staged.platform,
        orphans: staged.listing.orphans,
        rootId: staged.listing.rootId,
        recheck,
        baselineEntries: staged.rows,
    };
}

/**
 * The stored rows into the staging table, a page at a time, noting each row's group (for the listing
 * staged next) and the folder rows (a batch's context folders come with their rows).
 */
async function stageBaseline(input: FirstSyncInput, staging: StagingWriter, folders: FolderIndex): Promise<RowGroups> {
    const { ctx, deps, lease } = input;
    const rows = new RowGroups();
    folders.baseline = new Map();
    for await (const page of deps.streamBaseline(ctx.services, ctx.drive.id)) {
        for (const row of page) {
            rows.add(row);
            if (row.isFolder) folders.baseline.set(foldPath(row.platformPath), row);
            if (staging.addBaseline(row)) await staging.flush();
        }
        lease.assertHeld();
    }
    return rows;
}

/**
 * A resumed batch is applied knowing its rows (the applier reads them instead of asking the store, and
 * a moved folder's rows follow it) and its folders (kept when a platform move or delete empties them).
 * Not the whole baseline: `baselineComplete` stays false, so a row it lacks is read by id.
 */
function batchContext(ctx: ApplyContext, batch: PlanBatch): ApplyContext {
    const rows: readonly BaselineEntry[] = batch.baseline;
    return {
        ...ctx,
        baseline: rows,
        baselineComplete: false,
        knownFolders: new Set(rows.filter((b) => b.isFolder).map((b) => b.platformPath)),
    };
}
