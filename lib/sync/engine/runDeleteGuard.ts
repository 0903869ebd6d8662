import type { Action, Plan, PlanOptions, Side } from '../plan';
import { exceeds, hold } from '../plan/bigDelete';
import { withoutHeldDeletes } from './heldDeletes';

/**
 * The big-delete guard over a run planned in batches (a resumed first sync: engine/firstSyncInBatches.ts).
 * The planner's guard compares one plan's deletes with the drive, and a batch is a sliver of the drive:
 * a mass delete spread over batches would pass every batch's guard. So the run counts the deletes its
 * batches plan, per side, and once the count passes the limits (count and percent of the drive, as the
 * planner's guard: plan/bigDelete.ts), every delete of that side is held, in that batch and every later
 * one. Deletes of earlier batches stayed under the limits, so a run never deletes more than the guard
 * lets one plan delete; what it held waits for an admin as any held delete does (the cursor stays, the
 * next run resumes and holds them again until approved or rejected: engine/deleteDecision.ts).
 */
export class RunDeleteGuard {
    readonly deletes = { remote: 0, platform: 0 };
    held = false;

    constructor(
        private readonly limits: PlanOptions['bigDelete'],
        private readonly driveItemCount: number,
        /** The admin rejected held deletes: the held ones are dropped (the files stay). */
        private readonly dropHeld = false,
    ) {}

    /** A batch's plan, its deletes held on a side whose run total passed the limits. */
    check(plan: Plan): Plan {
        const held = new Set<Side>();
        for (const side of ['remote', 'platform'] as const) {
            this.deletes[side] += plan.actions.filter((a) => a.kind === deleteKind(side)).length;
            if (exceeds(this.deletes[side], this.driveItemCount, this.limits)) held.add(side);
        }
        if (held.size === 0) return plan;
        let holding = false;
        const actions = plan.actions.map((a): Action => {
            if (a.kind !== 'deleteRemote' && a.kind !== 'deletePlatform') return a;
            const side = a.kind === 'deleteRemote' ? 'remote' : 'platform';
            if (!held.has(side)) return a;
            holding = true;
            return hold(a, side, this.deletes[side], this.driveItemCount);
        });
        if (!holding) return plan;
        const guarded = { ...plan, actions, heldDeletes: true, counts: countKinds(actions) };
        if (this.dropHeld) return withoutHeldDeletes(guarded);
        this.held = true;
        return guarded;
    }
}

function deleteKind(side: Side): Action['kind'] {
    return side === 'remote' ? 'deleteRemote' : 'deletePlatform';
}

function countKinds(actions: readonly Action[]): Plan['counts'] {
    const counts: Plan['counts'] = {};
    for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    return counts;
}
