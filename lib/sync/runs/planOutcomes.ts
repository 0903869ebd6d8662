import type { ItemOutcome } from '../contracts';
import type { Action, Plan } from '../plan';

/**
 * What a dry run reports per item: the planned action and its reason, without touching anything.
 * Baseline bookkeeping is not an item outcome.
 */
export function planOutcomes(plan: Plan): ItemOutcome[] {
    return plan.actions.filter((a) => a.kind !== 'updateBaseline').map(toOutcome);
}

function toOutcome(action: Action): ItemOutcome {
    const base = {
        path: pathOf(action),
        action: action.kind,
        code: action.reason.code,
        message: action.reason.message,
    };
    switch (action.kind) {
        case 'skip':
            return { ...base, status: 'skipped', hint: action.hint };
        case 'holdDelete':
            return {
                ...base,
                status: 'held',
                hint: 'Approve with POST /api/drives/{driveId}/deletes/approve, or keep the files with /deletes/reject.',
            };
        case 'conflictKeepBoth':
            return { ...base, status: 'conflict' };
        default:
            return { ...base, status: 'queued' };
    }
}

function pathOf(action: Action): string {
    if (action.kind === 'updateBaseline') return action.entry?.platformPath ?? '';
    return action.path;
}
