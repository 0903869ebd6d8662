import type { Plan } from '../plan';

/** Big-delete thresholds that never trigger: the admin approved the held deletes. */
export const GUARD_OFF = { maxCount: Number.MAX_SAFE_INTEGER, maxPercent: 100 };

/** The admin rejected the held deletes: drop them, keep everything else (the files stay where they are). */
export function withoutHeldDeletes(plan: Plan): Plan {
    const dropped = new Set(plan.actions.filter((a) => a.kind === 'holdDelete').map((a) => a.id));
    const actions = plan.actions
        .filter((a) => !dropped.has(a.id))
        .map((a) => ({ ...a, dependsOn: a.dependsOn.filter((d) => !dropped.has(d)) }));
    const counts = { ...plan.counts };
    delete counts.holdDelete;
    return { ...plan, actions, counts, heldDeletes: false };
}
