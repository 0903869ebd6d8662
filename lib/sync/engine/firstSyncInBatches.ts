import type { ApplyContext } from '../apply/applyContext';
import { planSync, type ActionKind, type ConflictPolicy, type Plan } from '../plan';
import { batchPlan, firstSyncBatches, type FolderIndex } from '../plan/batches';
import { foldPath } from '../plan/paths';
import { readFullListing, type DeltaItem } from '../remote';
import { planOutcomes, type OutcomeWriter } from '../runs';
import { StagingWriter, dropStaging, stagedGroups } from '../state/firstSyncStaging';
import type { SyncDeps } from './deps';
import { GUARD_OFF } from './heldDeletes';
import type { DriveLease } from './lease';
import type { PhaseTimer } from './phaseTimer';

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
}

/**
 * A first sync without holding the drive: the delta listing is read back from the page journal and the
 * platform store is listed page by page; both go into the staging table (state/firstSyncStaging.ts),
 * which hands them back folder by folder; batches of whole folders are planned and applied in turn.
 * Held in memory: the folders of each side, a few bytes per item to keep the last occurrence of an
 * id, and one batch. A first sync never deletes, so no big-delete guard or held deletes span batches.
 */
export async function firstSyncInBatches(input: FirstSyncInput): Promise<FirstSyncResult> {
    const { ctx, deps, dryRun, lease, timer } = input;
    const { services, drive } = ctx;
    const folders: FolderIndex = { remote: new Map(), platform: new Map() };
    const staged = await timer.time('stage', async () => {
        const staging = await StagingWriter.open(services, drive.id);
        const listing = await readFullListing(services, drive.id, input.enumerationId, input.knownRootId);
        let remote = 0;
        for await (const page of listing.entries()) {
            for (const e of page) {
                if (e.isFolder && !e.deleted) folders.remote.set(foldPath(e.path), e);
                if (staging.addRemote(e)) await staging.flush();
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
        return { listing, remote, platform };
    });
    const counts: Partial<Record<ActionKind, number>> = {};
    let transfersEnqueued = 0;
    const recheck: string[] = [];
    let index = 0;
    for await (const batch of firstSyncBatches(
        stagedGroups(services, drive.id),
        folders,
        input.batchSize ?? FIRST_SYNC_BATCH,
    )) {
        const plan = await timer.time('plan', async () =>
            batchPlan(
                planSync({
                    baseline: [],
                    remote: batch.remote,
                    platform: batch.platform,
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
                }),
                batch,
                index,
            ),
        );
        lease.assertHeld();
        const applied = dryRun
            ? { outcomes: planOutcomes(plan), transfersEnqueued: 0 }
            : await timer.time('apply', () => deps.applyPlan(ctx, plan));
        await timer.time('record', () => input.outcomes.write(applied.outcomes));
        transfersEnqueued += applied.transfersEnqueued;
        if ('recheck' in applied && applied.recheck) recheck.push(...applied.recheck.slice(0, 500 - recheck.length));
        for (const [kind, n] of Object.entries(plan.counts) as [ActionKind, number][])
            counts[kind] = (counts[kind] ?? 0) + n;
        index++;
    }
    await dropStaging(services, drive.id).catch(() => undefined);
    return {
        plan: { actions: [], heldDeletes: false, dryRun, counts, deletes: { remote: 0, platform: 0 } },
        transfersEnqueued,
        batches: index,
        listed: staged.listing.listed,
        remoteEntries: staged.remote,
        platformEntries: staged.platform,
        orphans: staged.listing.orphans,
        rootId: staged.listing.rootId,
        recheck,
    };
}
