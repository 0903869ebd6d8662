import type { ApplyContext } from '../apply/applyContext';
import type { ItemOutcome } from '../contracts';
import { planSync, type ActionKind, type ConflictPolicy, type Plan, type PlatformEntry, type RemoteEntry } from '../plan';
import { batchPlan, firstSyncBatches } from '../plan/batches';
import { planOutcomes, type OutcomeWriter } from '../runs';
import type { SyncDeps } from './deps';
import { GUARD_OFF } from './heldDeletes';
import type { DriveLease } from './lease';
import type { PhaseTimer } from './phaseTimer';

/**
 * Above this many items (both sides) a first sync is planned and applied batch by batch
 * (plan/batches.ts), so the planner's working set stays this size whatever the drive holds.
 */
export const FIRST_SYNC_BATCH = 5_000;

export interface BatchedFirstSync {
    ctx: ApplyContext;
    deps: SyncDeps;
    remote: readonly RemoteEntry[];
    platform: readonly PlatformEntry[];
    policy: ConflictPolicy;
    dryRun: boolean;
    now: string;
    lease: DriveLease;
    timer: PhaseTimer;
    batchSize?: number;
    /** Each batch's outcomes are written as soon as it is applied, not held for the whole run. */
    outcomes: OutcomeWriter;
}

export interface BatchedResult {
    /** The run's plan in summary: counts over every batch (the actions themselves are gone with their batch). */
    plan: Plan;
    /** Always empty: written batch by batch through `outcomes`. */
    outcomes: ItemOutcome[];
    transfersEnqueued: number;
    batches: number;
}

/** A first sync never deletes, so no big-delete guard or held deletes span the batches. */
export async function firstSyncInBatches(input: BatchedFirstSync): Promise<BatchedResult> {
    const { ctx, deps, dryRun, lease, timer } = input;
    const counts: Partial<Record<ActionKind, number>> = {};
    let transfersEnqueued = 0;
    let index = 0;
    for (const batch of firstSyncBatches(input.remote, input.platform, input.batchSize ?? FIRST_SYNC_BATCH)) {
        const plan = await timer.time('plan', async () =>
            batchPlan(
                planSync({
                    baseline: [],
                    remote: batch.remote,
                    platform: batch.platform,
                    policy: input.policy,
                    driveItemCount: input.remote.length,
                    options: { firstSync: true, resync: false, dryRun, bigDelete: GUARD_OFF, now: input.now },
                }),
                batch,
                index
            )
        );
        lease.assertHeld();
        const applied = dryRun ? { outcomes: planOutcomes(plan), transfersEnqueued: 0 } : await timer.time('apply', () => deps.applyPlan(ctx, plan));
        await timer.time('record', () => input.outcomes.write(applied.outcomes));
        transfersEnqueued += applied.transfersEnqueued;
        for (const [kind, n] of Object.entries(plan.counts) as [ActionKind, number][]) counts[kind] = (counts[kind] ?? 0) + n;
        index++;
    }
    return { plan: { actions: [], heldDeletes: false, dryRun, counts, deletes: { remote: 0, platform: 0 } }, outcomes: [], transfersEnqueued, batches: index };
}
