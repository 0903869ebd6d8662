import { Draft } from './drafts';
import { reason } from './reasons';
import { DeletePlatform, DeleteRemote, HoldDelete, PlanOptions, Side } from './types';

export interface DeleteCounts {
    remote: number;
    platform: number;
}

export function countDeletes(drafts: Draft[]): DeleteCounts {
    const count = (kind: string) => drafts.filter((d) => d.action.kind === kind).length;
    return { remote: count('deleteRemote'), platform: count('deletePlatform') };
}

/**
 * The big-delete guard (graph-sync.md §3: "threshold by count and %, that pauses and asks for
 * approval rather than crashing"): when one side's deletes exceed both `maxCount` and `maxPercent`
 * of the drive, every delete on that side is held, not applied; the rest of the plan still runs.
 * A canary for a library that vanished or lost permissions, which delta reports as mass deletes.
 */
export function holdBigDeletes(drafts: Draft[], driveItemCount: number, limits: PlanOptions['bigDelete']): boolean {
    const counts = countDeletes(drafts);
    let held = false;
    for (const side of ['remote', 'platform'] as const) {
        if (!exceeds(counts[side], driveItemCount, limits)) continue;
        held = true;
        for (const draft of drafts) {
            const a = draft.action;
            if (a.kind === (side === 'remote' ? 'deleteRemote' : 'deletePlatform'))
                draft.action = hold(a as DeleteRemote | DeletePlatform, side, counts[side], driveItemCount);
        }
    }
    return held;
}

export function exceeds(count: number, driveItemCount: number, limits: PlanOptions['bigDelete']): boolean {
    const percent = driveItemCount > 0 ? (count * 100) / driveItemCount : count > 0 ? 100 : 0;
    return count > limits.maxCount && percent > limits.maxPercent;
}

export function hold(
    held: DeleteRemote | DeletePlatform,
    side: Side,
    count: number,
    driveItemCount: number,
): HoldDelete {
    const where = side === 'remote' ? 'SharePoint' : 'the platform';
    return {
        kind: 'holdDelete',
        id: held.id,
        item: held.item,
        side,
        path: held.path,
        held,
        dependsOn: held.dependsOn,
        preconditions: held.preconditions,
        reason: reason(
            'big_delete',
            `Held: this run would delete ${count} of ${driveItemCount} items on ${where}, over the big-delete limits; approve to apply.`,
        ),
    };
}
