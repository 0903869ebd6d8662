import type { Client } from '@microsoft/microsoft-graph-client';
import { raiseAlert, resolveAlert } from '../../alerts';
import type { DriveRecord } from '../../drives/driveRecord';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import { readProperties } from '../../properties/properties';
import type { Services } from '../../runtime/services';
import type { ItemOutcome, SyncMessage } from '../contracts';
import { planSync, type BaselineEntry, type Plan, type PlanInput, type PlatformEntry, type RemoteEntry } from '../plan';
import { scopeToChanges } from '../plan/scope';
import { countPlatformChanges, type PlatformChanges } from '../plan/platformChanges';
import { diffPlatformByFolder, type PlatformDiff } from './platformDiff';
import type { ApplyContext } from '../apply/applyContext';
import type { Properties } from '../../properties/properties';
import { FIRST_SYNC_BATCH, firstSyncInBatches } from './firstSyncInBatches';
import { readPlatformChangeMark } from '../platform/platformChanges';
import { listingChanges, markUnlisted, type ListingChanges } from '../remote/listingChanges';
import { journalPages, readJournal } from '../remote/pageJournal';
import {
    dropJournal,
    enumerateDelta,
    fetchItems,
    lastOccurrences,
    loadCursor,
    saveCursor,
    toRemoteEntries,
    withContentTags,
    withDisplacedItems,
    type DeltaCursor,
    type DeltaEnumeration,
    type DeltaItem,
} from '../remote';
import { planOutcomes, type OutcomeWriter, type RunRecord } from '../runs';
import { clearDeleteDecision, holdDeletes, readDeleteDecision, type DeleteDecision } from './deleteDecision';
import type { SyncDeps } from './deps';
import { GUARD_OFF, withoutHeldDeletes } from './heldDeletes';
import { RunDeleteGuard } from './runDeleteGuard';
import type { DriveLease } from './lease';
import type { PhaseTimer } from './phaseTimer';
import { settleGraphBinding, type Rebinding } from './graphBinding';
import { platformFromBaseline, platformFromChanges, platformScanReason } from './platformSide';
import { listedAt, listingProvesAbsence, reconciliationDue } from './remoteListing';
import { libraryRootPathLength } from './rootPath';

export interface ReconcileInput {
    services: Services;
    deps: SyncDeps;
    integration: IntegrationRecord;
    drive: DriveRecord;
    runId: string;
    dryRun: boolean;
    trigger: SyncMessage['trigger'];
    lease: DriveLease;
    timer: PhaseTimer;
    firstSyncBatch?: number;
    /** Where outcomes go as they come (a batched first sync writes each batch's); the rest are returned. */
    outcomes: OutcomeWriter;
}

export interface ReconcileResult {
    outcomes: ItemOutcome[];
    /** Run-record fields this run established. */
    record: Partial<RunRecord>;
}

/**
 * One reconciliation, under the drive's lease: fold finished transfers into the baseline, page delta,
 * list the platform side, plan three-way, apply (or only report, on a dry run), and only then move
 * the cursor. Killed at any line, the next run redoes the work from the same cursor: delta pages are
 * journaled, the planner re-derives the same actions from the baseline, and the applier's actions are
 * conditional (If-Match) with deterministic transfer ids.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
    const { services, deps, integration, drive, runId, dryRun, lease, timer } = input;
    const startedAt = new Date();
    const graphDriveId = drive.graph!.driveId;
    const graph = await deps.graphClient(services, integration, drive);
    const fold = await timer.time('fold', () => deps.foldTransfers(services, drive.id));
    // State built on another Graph drive (the drive was rebound) is dropped: this run merges as a first sync.
    const { cursor, rebound } = await timer.time('cursor', async () =>
        settleGraphBinding(services, drive.id, graphDriveId, (await loadCursor(services, drive.id)).cursor),
    );
    const folded = rebound ? 0 : fold.folded + fold.replan.remoteIds.length + fold.replan.uploads;
    const recheck = rebound ? [] : [...fold.replan.remoteIds, ...(cursor?.recheck ?? [])];
    const resumingFirstSync = !rebound && resumesInBatches(cursor, input.firstSyncBatch ?? FIRST_SYNC_BATCH);
    const resumingResync = !rebound && !cursor?.deltaLink && (await resyncUnderway(input, cursor));
    // With a deltaLink the drive has synced before; only without one does the baseline decide.
    const baseline =
        cursor?.deltaLink || resumingFirstSync || resumingResync
            ? undefined
            : await timer.time('baseline', () => deps.loadBaseline(services, drive.id));
    const firstSync = resumingFirstSync || (!cursor?.deltaLink && baseline?.length === 0);
    const relist = !firstSync && reconciliationDue(cursor, startedAt.getTime());
    // No tenant-wide wait here: every Graph request of the run passes the throttle gate (graph/throttleMiddleware.ts).
    // A first sync leaves the listing in the page journal and reads it back in batches (firstSyncInBatches.ts).
    const delta = await timer.time('delta', () =>
        enumerateDelta({
            services,
            driveId: drive.id,
            graphDriveId,
            graph,
            cursor,
            checkpoint: () => lease.assertHeld(),
            retain: firstSync ? 'journal' : 'changes',
            fromScratch: relist,
        }),
    );
    const [{ properties }, mark] = await Promise.all([
        readProperties(await services.tables.get('properties')),
        readPlatformChangeMark(services, drive.id),
    ]);
    const scan = platformScanReason({
        firstSync,
        resync: !!delta.resync,
        remoteListing: !!delta.relist,
        transferSkipped: !rebound && fold.replan.uploads > 0,
        trigger: input.trigger,
        mark,
        lastScanAt: cursor?.platformScannedAt,
        lastScanMarkId: cursor?.platformMarkId,
        scanMinutes: drive.policies.platformScanMinutes ?? properties.PlatformScanMinutes,
        now: startedAt.getTime(),
    });
    if (!scan && delta.items.length === 0 && folded === 0 && recheck.length === 0 && !baseline && !delta.journaled) {
        // Nothing changed on either side: no baseline, no listing, no plan (a fixed handful of storage calls).
        if (!dryRun)
            await timer.time('cursor', () => keepCursor(services, drive.id, graphDriveId, cursor, delta, startedAt));
        return {
            outcomes: [],
            record: {
                firstSync: false,
                resync: false,
                unchanged: true,
                delta: deltaRecord(delta, 0, 0),
                counts: {},
                transfersEnqueued: 0,
                foldedTransfers: 0,
            },
        };
    }
    const ctxOf = (known: BaselineEntry[], complete: boolean): ApplyContext => ({
        services,
        integration,
        drive,
        graph,
        runId,
        knownFolders: baselineFolders(known),
        baseline: known,
        baselineComplete: complete,
    });
    // An older drive's single-partition baseline moves into buckets (after the unchanged-run exit, which
    // reads no baseline; what ran before reads either layout).
    if (!dryRun) await timer.time('baseline', () => deps.migrateBaseline(services, drive.id));
    if (delta.journaled && firstSync) {
        // Rows a cut-short first sync's transfers wrote: each batch is planned against its own and the
        // applier reads the others by id before it rewrites them.
        const partial = resumingFirstSync && ((await deps.baselineCount(services, drive.id)) ?? 0) > 0;
        // A new drive's path index starts complete (and empty): every row the sync writes keeps it so.
        if (!dryRun && !partial) await deps.ensureBaselineIndex(services, drive.id, []);
        return firstSyncRun(input, ctxOf([], !partial), {
            delta,
            cursor,
            scan,
            markId: mark?.id,
            startedAt,
            folded: rebound ? 0 : fold.folded,
            rebound,
            resume: partial ? await resumeGuard(input, properties) : undefined,
        });
    }
    const rootId = delta.rootId ?? cursor?.rootId;
    // A resync's or reconciliation's listing left in the journal is read against the stored baseline:
    // only its differences are planned, as an incremental run's (listingChanges.ts). With an older
    // drive's incomplete path index, or a lost cursor's listing (planned as changes, not as a resync),
    // it is read whole and planned over the whole baseline.
    // Read once here for both decisions and the plan's baseline (baselineFor): no write comes between.
    const storedCount =
        !baseline && (delta.journaled || !!scan) ? await deps.baselineCount(services, drive.id) : undefined;
    const indexed = storedCount !== undefined;
    const reducible = delta.journaled && indexed && (!!delta.resync || !!delta.relist);
    const listing = reducible ? await timer.time('delta', () => readListing(input, delta)) : undefined;
    if (delta.journaled && !listing)
        delta.items = lastOccurrences(await readJournal(services, drive.id, delta.enumerationId!), []);
    let items = await withSkippedItems(graph, graphDriveId, listing?.items ?? delta.items, recheck);
    const deltaItemCount = listing?.listed ?? delta.items.length;
    // A listing run over an incremental delta (or a full one read as its differences) walks the store
    // folder by folder and keeps only what changed (platformDiff.ts), when the path index can serve it.
    const walked =
        scan && indexed && (!delta.fullListing || listing)
            ? await timer.time('platform', () =>
                  diffPlatformByFolder(services, deps, drive, lease, {
                      remoteChanged: new Set(items.map((i) => i.id)),
                      record: !dryRun,
                  }),
              )
            : undefined;
    let { known, count, complete } = await timer.time('baseline', () =>
        baselineFor(input, { baseline, scan: !!scan, items, rootId, walked, count: storedCount }),
    );
    if (!delta.fullListing) {
        // A new item where a synced one still stands: that one went without a tombstone (displacedItems.ts).
        const probed = await withDisplacedItems(graph, graphDriveId, items, known, rootId);
        if (probed.displaced.length > 0) {
            items = probed.items;
            ({ known, count, complete } = await timer.time('baseline', () =>
                baselineFor(input, { baseline, scan: !!scan, items, rootId, walked, count: storedCount }),
            ));
        }
    }
    // Files without hashes changed in place: their cTag tells an edit from a rename (contentTags.ts).
    items = await withContentTags(graph, graphDriveId, items, known);
    const platform = walked
        ? platformFromChanges(known, walked.changes)
        : scan
          ? await timer.time('platform', () => deps.listPlatformEntries(services, drive))
          : platformFromBaseline(known);
    const resolved = await timer.time('plan', async () => toRemoteEntries(items, known, rootId));
    const proves = listingProvesAbsence(delta, resolved);
    delta.items.length = 0;
    const done = await planWhole(input, ctxOf(known, complete), {
        baseline: known,
        baselineCount: count,
        remote: listing ? markUnlisted(resolved.entries, listing.unlisted, proves) : resolved.entries,
        platform,
        scoped: !scan || !!walked,
        platformChanges: walked?.changes,
        delta,
        listedLive: listing ? listing.live - resolved.orphans.filter((o) => !o.deleted).length : undefined,
        unlistedDeleted: proves,
        // A first sync cut short whose listing is small enough to plan whole (resumesInBatches).
        resumedFirstSync: !rebound && !!cursor?.firstSync && !cursor.deltaLink,
        properties,
        now: startedAt.toISOString(),
    });
    const { plan, decision } = done;
    if (!dryRun) {
        lease.assertHeld();
        const scanned = hadFailures(done.outcomes)
            ? RELIST
            : scan
              ? { platformScannedAt: startedAt.toISOString(), platformMarkId: mark?.id }
              : { platformScannedAt: cursor?.platformScannedAt, platformMarkId: cursor?.platformMarkId };
        await timer.time('cursor', () =>
            advance(services, drive.id, plan, delta, runId, !!decision, {
                ...scanned,
                recheck: done.recheck,
                graphDriveId,
                remoteListedAt: listedAt(delta, cursor, startedAt),
            }),
        );
    }
    const replanned = rebound ? 0 : fold.replan.remoteIds.length + fold.replan.uploads;
    return {
        outcomes: [...done.outcomes, ...resolved.orphans.map(orphanOutcome)],
        record: {
            firstSync: false,
            resync: !!delta.resync,
            ...(delta.resync ? { resyncReason: delta.resync.reason } : {}),
            ...(delta.relist ? { remoteListing: 'reconcile' as const } : {}),
            ...(listing ? { listingChanges: listing.items.filter((i) => !i.root).length } : {}),
            delta: deltaRecord(delta, deltaItemCount, resolved.orphans.length),
            ...(scan ? { platformEntries: walked?.entries ?? platform.length, platformScan: scan } : {}),
            ...(walked
                ? {
                      platformFolders: walked.folders,
                      platformFoldersMatched: walked.foldersMatched,
                      platformChanges: countPlatformChanges(walked.changes),
                  }
                : {}),
            baselineEntries: count,
            ...(done.plannedBaseline < count ? { plannedBaselineEntries: done.plannedBaseline } : {}),
            counts: plan.counts as Record<string, number>,
            transfersEnqueued: done.transfersEnqueued,
            ...(plan.heldDeletes ? { heldDeletes: plan.deletes } : {}),
            ...(decision && decision.state !== 'pending' ? { deleteDecision: decision.state } : {}),
            foldedTransfers: fold.folded,
            ...(replanned > 0 ? { replannedTransfers: replanned } : {}),
        },
    };
}

/**
 * A full listing in the page journal read against the stored baseline (remote/listingChanges.ts):
 * its differences, as delta items, with a tombstone for each row it does not list (marked as such
 * once resolved: markUnlisted).
 */
async function readListing(input: ReconcileInput, delta: DeltaEnumeration): Promise<ListingChanges> {
    const { services, deps, drive, lease } = input;
    const changes = await listingChanges(
        journalPages(services, drive.id, delta.enumerationId!),
        () => deps.streamBaseline(services, drive.id),
        () => lease.assertHeld(),
    );
    const gone = changes.unlisted.map((id): DeltaItem => ({ id, deleted: {} }));
    return { ...changes, items: [...changes.items, ...gone] };
}

/**
 * A 410's resync that an earlier run began and did not finish (its cursor lost the deltaLink): not a
 * first sync when the drive has rows, which the path index counts without loading them.
 */
async function resyncUnderway(input: ReconcileInput, cursor: DeltaCursor | undefined): Promise<boolean> {
    if (!cursor?.resync || cursor.firstSync) return false;
    return ((await input.deps.baselineCount(input.services, input.drive.id)) ?? 0) > 0;
}

/** Items a delta page holds at least (Graph's default page; `$top` may give more): an estimate from below. */
const DELTA_PAGE_ITEMS = 200;

/**
 * Whether a first sync cut short after some of its transfers were folded into the baseline resumes as
 * the first sync it was, in batches from its journaled listing, rather than planned three-way over
 * the whole baseline and listing held in memory. The whole plan is exact, but at hundreds of
 * thousands of items it outgrows an instance, and a redelivered run would fail again the same way.
 * In batches the rows are staged beside the listing and the platform, each with its item, and every
 * batch is planned three-way against its own rows (firstSyncInBatches.ts): what changed in between to
 * an item already synced is carried over as the whole plan would (a platform rename, delete or edit
 * reaches SharePoint), the items without rows are merged as a first sync merges them. Only a change
 * that spans batches differs in form (a platform move to another folder is a delete to the recycle
 * bin and an upload, not a move), and the big-delete guard counts over the run's batches. A smaller
 * listing (under ten batches, ≈ 50,000 items) keeps the whole plan, which also sees such moves.
 */
function resumesInBatches(cursor: DeltaCursor | undefined, batchSize: number): boolean {
    if (!cursor || cursor.deltaLink || !cursor.firstSync || !cursor.enumerationId) return false;
    return (cursor.pages + 1) * DELTA_PAGE_ITEMS >= 10 * batchSize;
}

interface FirstSyncState {
    delta: DeltaEnumeration;
    cursor: DeltaCursor | undefined;
    scan: RunRecord['platformScan'];
    markId: string | undefined;
    startedAt: Date;
    folded: number;
    rebound?: Rebinding;
    /** A resume with rows: its deletes' guard, and the admin's decision on deletes an earlier attempt held. */
    resume?: { guard: (driveItemCount: number) => RunDeleteGuard; decision?: DeleteDecision };
}

/**
 * The big-delete guard of a batched resume (runDeleteGuard.ts), as planWhole applies the planner's:
 * off once an admin approved the held deletes, dropping them once rejected, else the drive's limits.
 */
async function resumeGuard(
    input: ReconcileInput,
    properties: Properties,
): Promise<NonNullable<FirstSyncState['resume']>> {
    const decision = await readDeleteDecision(input.services, input.drive.id);
    const limits =
        decision?.state === 'approved'
            ? GUARD_OFF
            : { maxCount: properties.BigDeleteMaxCount, maxPercent: properties.BigDeleteMaxPercent };
    return {
        decision,
        guard: (count) => new RunDeleteGuard(limits, count, decision?.state === 'rejected'),
    };
}

/** A first sync: the listing waits in the page journal and is planned batch by batch (firstSyncInBatches.ts). */
async function firstSyncRun(input: ReconcileInput, ctx: ApplyContext, s: FirstSyncState): Promise<ReconcileResult> {
    const { services, deps, drive, runId, dryRun, lease, timer } = input;
    const { delta } = s;
    const done = await firstSyncInBatches({
        ctx,
        deps,
        enumerationId: delta.enumerationId!,
        knownRootId: s.cursor?.rootId,
        policy: drive.policies.conflictPolicy,
        dryRun,
        now: s.startedAt.toISOString(),
        lease,
        timer,
        batchSize: input.firstSyncBatch,
        rootPathLength: libraryRootPathLength(drive),
        outcomes: input.outcomes,
        resume: s.resume,
    });
    const decision = s.resume?.decision;
    if (!dryRun) {
        lease.assertHeld();
        const applied = { ...delta, rootId: delta.rootId ?? done.rootId };
        const failed = (input.outcomes.counts.failed ?? 0) + (input.outcomes.counts.retrying ?? 0) > 0;
        const scanned = failed ? RELIST : { platformScannedAt: s.startedAt.toISOString(), platformMarkId: s.markId };
        await timer.time('cursor', () =>
            advance(services, drive.id, done.plan, applied, runId, !!decision, {
                ...scanned,
                recheck: done.recheck,
                graphDriveId: drive.graph!.driveId,
                remoteListedAt: s.startedAt.toISOString(),
            }),
        );
    }
    return {
        outcomes: done.orphans.map(orphanOutcome),
        record: {
            firstSync: true,
            ...(s.rebound ? { rebound: s.rebound } : {}),
            resync: !!delta.resync,
            ...(delta.resync ? { resyncReason: delta.resync.reason } : {}),
            delta: deltaRecord(delta, done.listed, done.orphans.length),
            batches: done.batches,
            platformEntries: done.platformEntries,
            platformScan: s.scan ?? 'first_sync',
            baselineEntries: done.baselineEntries,
            counts: done.plan.counts as Record<string, number>,
            transfersEnqueued: done.transfersEnqueued,
            ...(done.plan.heldDeletes ? { heldDeletes: done.plan.deletes } : {}),
            ...(decision && decision.state !== 'pending' ? { deleteDecision: decision.state } : {}),
            foldedTransfers: s.folded,
        },
    };
}

interface BaselineNeed {
    /** Already loaded (a run without a deltaLink loads it whole to tell a first sync). */
    baseline: BaselineEntry[] | undefined;
    scan: boolean;
    items: readonly DeltaItem[];
    rootId: string | undefined;
    /** The platform's changes, when this listing run walked the store by folder. */
    walked?: PlatformDiff;
    /** The stored row count, when this run already read it (undefined: read it here). */
    count?: number;
}

/**
 * The baseline a run plans over: only the rows around delta's changes when the platform side comes
 * from the baseline and the drive's path index is complete; otherwise all of it (and a full load
 * completes an older drive's index).
 */
async function baselineFor(
    input: ReconcileInput,
    need: BaselineNeed,
): Promise<{ known: BaselineEntry[]; count: number; complete: boolean }> {
    const { services, deps, drive } = input;
    if (!need.baseline && (!need.scan || need.walked)) {
        const count = need.count ?? (await deps.baselineCount(services, drive.id));
        if (count !== undefined)
            return {
                known: await deps.loadBaselineAround(
                    services,
                    drive.id,
                    need.items,
                    need.rootId,
                    need.walked?.changes,
                    need.walked?.folderRows,
                ),
                count,
                complete: false,
            };
    }
    const known = need.baseline ?? (await deps.loadBaseline(services, drive.id));
    if (!input.dryRun) await deps.ensureBaselineIndex(services, drive.id, known);
    return { known, count: known.length, complete: true };
}

interface WholePlanInput {
    baseline: BaselineEntry[];
    /** Rows in the drive's baseline (`baseline` may hold only those around the changes). */
    baselineCount: number;
    remote: RemoteEntry[];
    platform: PlatformEntry[];
    /** The platform side is the baseline's image (not listed this run) or its changes were found by folder: only the changes can matter. */
    scoped: boolean;
    platformChanges?: PlatformChanges;
    delta: DeltaEnumeration;
    /**
     * Set when the full listing was reduced to its differences (`remote` holds those, unlisted rows
     * marked): the live items it listed. The plan is then an incremental one, not a resync's.
     */
    listedLive?: number;
    /** The full listing proves absence (remoteListing.ts): unlisted baseline items were deleted in SharePoint. */
    unlistedDeleted: boolean;
    /** PlanOptions.resumedFirstSync: items no row knows are merged as a first sync merges them. */
    resumedFirstSync: boolean;
    properties: Properties;
    now: string;
}

/** The drive's changes in one plan (every run but a first sync), with the big-delete guard and any decision on held deletes. */
async function planWhole(
    input: ReconcileInput,
    ctx: ApplyContext,
    w: WholePlanInput,
): Promise<{
    plan: Plan;
    decision?: DeleteDecision;
    outcomes: ItemOutcome[];
    transfersEnqueued: number;
    recheck?: string[];
    plannedBaseline: number;
}> {
    const { services, deps, drive, dryRun, lease, timer } = input;
    const { plan, decision, plannedBaseline } = await timer.time('plan', async () => {
        const decision = await readDeleteDecision(services, drive.id);
        const liveCount = w.remote.filter((e) => !e.deleted).length;
        const whole: PlanInput = {
            baseline: w.baseline,
            remote: w.remote,
            platform: w.platform,
            policy: drive.policies.conflictPolicy,
            driveItemCount: w.listedLive ?? (w.delta.fullListing ? liveCount : Math.max(w.baselineCount, liveCount)),
            options: {
                firstSync: false,
                resync: w.listedLive === undefined && (!!w.delta.resync || !!w.delta.relist),
                unlistedDeleted: w.unlistedDeleted,
                resumedFirstSync: w.resumedFirstSync,
                rootPathLength: libraryRootPathLength(drive),
                dryRun,
                bigDelete:
                    decision?.state === 'approved'
                        ? GUARD_OFF
                        : { maxCount: w.properties.BigDeleteMaxCount, maxPercent: w.properties.BigDeleteMaxPercent },
                now: w.now,
            },
        };
        const scoped = w.scoped ? scopeToChanges(whole, w.platformChanges) : whole;
        const planned = planSync(scoped);
        return {
            plan: decision?.state === 'rejected' ? withoutHeldDeletes(planned) : planned,
            decision,
            plannedBaseline: scoped.baseline.length,
        };
    });
    lease.assertHeld();
    const applied = dryRun
        ? { outcomes: planOutcomes(plan), transfersEnqueued: 0 }
        : await timer.time('apply', () => deps.applyPlan(ctx, plan));
    return { plan, decision, plannedBaseline, ...applied };
}

function deltaRecord(delta: DeltaEnumeration, items: number, orphans: number): NonNullable<RunRecord['delta']> {
    return { pages: delta.pages, items, requests: delta.requests, resumed: delta.resumed, orphans };
}

/**
 * Delta's items plus the current state of items whose transfer was skipped and that delta did not list
 * again. One that is gone (404) gets a tombstone here: delta does not always send one
 * (onedrive-api-docs#1927), and without it the same write would be planned, and refused, every run.
 */
async function withSkippedItems(
    graph: Client,
    graphDriveId: string,
    items: DeltaItem[],
    skipped: readonly string[],
): Promise<DeltaItem[]> {
    const listed = new Set(items.map((i) => i.id));
    const missing = [...new Set(skipped.filter((id) => !listed.has(id)))];
    if (missing.length === 0) return items;
    const found = await fetchItems(graph, graphDriveId, missing);
    const present = new Set(found.map((i) => i.id));
    const gone = missing.filter((id) => !present.has(id)).map((id): DeltaItem => ({ id, deleted: {} }));
    return [...items, ...found, ...gone];
}

/** An unchanged drive: the cursor is rewritten only if Graph handed out a different deltaLink (or the cursor predates a field). */
async function keepCursor(
    services: Services,
    driveId: string,
    graphDriveId: string,
    cursor: DeltaCursor | undefined,
    delta: DeltaEnumeration,
    startedAt: Date,
): Promise<void> {
    const outdated = cursor?.graphDriveId !== graphDriveId || !cursor?.remoteListedAt;
    if (delta.deltaLink !== cursor?.deltaLink || cursor?.nextLink || outdated) {
        await saveCursor(services, driveId, {
            ...cursor,
            graphDriveId,
            deltaLink: delta.deltaLink,
            nextLink: undefined,
            enumerationId: undefined,
            resync: undefined,
            relist: undefined,
            firstSync: undefined,
            rootId: delta.rootId ?? cursor?.rootId,
            remoteListedAt: listedAt(delta, cursor, startedAt),
            pages: 0,
            fullListing: false,
            updatedAt: '',
        });
    }
    if (delta.enumerationId) await dropJournal(services, driveId, delta.enumerationId).catch(() => undefined);
}

/**
 * Moves the cursor past what was just applied. Held deletes keep it where it was, so the tombstones
 * come back on the next run, which applies or drops them once an admin has decided.
 */
async function advance(
    services: Services,
    driveId: string,
    plan: Plan,
    delta: DeltaEnumeration,
    runId: string,
    hadDecision: boolean,
    scanned: Pick<DeltaCursor, 'platformScannedAt' | 'platformMarkId' | 'recheck' | 'graphDriveId' | 'remoteListedAt'>,
): Promise<void> {
    if (plan.heldDeletes) {
        await holdDeletes(services, driveId, runId, plan.deletes);
        await raiseAlert(services, {
            key: `bigdelete:${driveId}`,
            severity: 'warning',
            kind: 'big_delete_held',
            title: 'Deletes are waiting for approval',
            message: `A sync would delete ${plan.deletes.remote} item(s) in SharePoint/OneDrive and ${plan.deletes.platform} on the platform, more than the big-delete guard allows; the deletes it held were not applied (a first sync resumed in batches applied those of its batches that stayed under the limits).`,
            hint: `Check the run's outcomes, then POST /api/drives/${driveId}/deletes/approve (or /reject to keep the files).`,
            subject: { type: 'drive', id: driveId },
        }).catch(() => undefined);
        return;
    }
    const recheck = scanned.recheck?.length ? scanned.recheck.slice(0, MAX_RECHECK) : undefined;
    await saveCursor(services, driveId, {
        deltaLink: delta.deltaLink,
        rootId: delta.rootId,
        pages: 0,
        fullListing: false,
        updatedAt: '',
        ...withoutUndefined({ ...scanned, recheck }),
    });
    if (delta.enumerationId) await dropJournal(services, driveId, delta.enumerationId).catch(() => undefined);
    if (hadDecision) {
        await clearDeleteDecision(services, driveId);
        await resolveAlert(services, `bigdelete:${driveId}`, 'The held deletes were decided.').catch(() => undefined);
    }
}

/**
 * A run whose actions partly failed does not record its platform listing: the next run lists again.
 * Otherwise a platform change it saw but could not carry out (a conflict's keep-both, a rename) would
 * be forgotten, since the baseline stands for the platform side when nothing was uploaded since.
 */
/** Items fetched again by id at most per run (one GET each); more failures than this wait for their next change or a Sync now. */
const MAX_RECHECK = 500;

const RELIST: Pick<DeltaCursor, 'platformScannedAt' | 'platformMarkId'> = {
    platformScannedAt: undefined,
    platformMarkId: undefined,
};

function hadFailures(outcomes: readonly ItemOutcome[]): boolean {
    return outcomes.some((o) => o.status === 'failed' || o.status === 'retrying');
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Platform paths of the folders both sides agreed on: they outlive their last file (ApplyContext.knownFolders). */
function baselineFolders(baseline: readonly { isFolder: boolean; platformPath: string }[]): Set<string> {
    return new Set(baseline.filter((b) => b.isFolder).map((b) => b.platformPath));
}

function orphanOutcome(item: DeltaItem): ItemOutcome {
    return {
        path: item.name ?? item.id,
        action: 'skip',
        status: 'skipped',
        code: 'parent_unknown',
        message: `Delta listed ${item.name ?? item.id} under a folder it never described; left alone this run.`,
        hint: 'It is picked up by the next sync; if it persists, run a dry run and report the item id.',
    };
}
