import { appendTo } from './collections';
import { Draft } from './drafts';
import { compareText, depth } from './paths';
import { Action, ActionKind } from './types';

const PHASE: Record<ActionKind, number> = {
    skip: 0,
    renameRemote: 1,
    moveRemote: 1,
    renamePlatform: 1,
    movePlatform: 1,
    createRemoteFolder: 2,
    createPlatformFolder: 2,
    conflictKeepBoth: 3,
    upload: 4,
    download: 4,
    deleteRemote: 5,
    deletePlatform: 5,
    holdDelete: 5,
    updateBaseline: 6,
};

/**
 * Topological order over `dependsOn`, ties broken by phase (moves, folders, conflicts, transfers,
 * deletes, sync state), then depth (shallow first; deepest first for deletes), then path, then id:
 * the same input always gives the same sequence. A dependency cycle (two items swapping names) is
 * broken at its first action in that order, and the broken edge is dropped so `dependsOn` stays true.
 */
export function orderActions(drafts: Draft[]): Action[] {
    const actions = drafts.map((d) => d.action);
    const byId = new Map(actions.map((a) => [a.id, a]));
    const waiting = new Map(actions.map((a) => [a.id, new Set(a.dependsOn.filter((d) => byId.has(d)))]));
    const dependents = new Map<string, string[]>();
    for (const a of actions) for (const d of a.dependsOn) appendTo(dependents, d, a.id);
    const ready = actions.filter((a) => waiting.get(a.id)?.size === 0).sort(before);
    const ordered: Action[] = [];
    const done = new Set<string>();
    while (ordered.length < actions.length) {
        const next = ready.length > 0 ? (ready.shift() as Action) : breakCycle(actions, done, waiting);
        if (done.has(next.id)) continue;
        done.add(next.id);
        ordered.push(next);
        for (const dependent of dependents.get(next.id) ?? []) {
            const pending = waiting.get(dependent) as Set<string>;
            pending.delete(next.id);
            if (pending.size === 0 && !done.has(dependent)) insertSorted(ready, byId.get(dependent) as Action);
        }
    }
    return ordered;
}

function breakCycle(actions: Action[], done: Set<string>, waiting: Map<string, Set<string>>): Action {
    const first = actions.filter((a) => !done.has(a.id)).sort(before)[0];
    const unmet = waiting.get(first.id) as Set<string>;
    first.dependsOn = first.dependsOn.filter((d) => !unmet.has(d));
    unmet.clear();
    return first;
}

function insertSorted(list: Action[], action: Action): void {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(list[mid], action) <= 0) lo = mid + 1;
        else hi = mid;
    }
    list.splice(lo, 0, action);
}

function before(a: Action, b: Action): number {
    return PHASE[a.kind] - PHASE[b.kind] || depthKey(a) - depthKey(b) || compareText(pathOf(a), pathOf(b)) || compareText(a.id, b.id);
}

function depthKey(a: Action): number {
    const d = depth(pathOf(a));
    return PHASE[a.kind] === PHASE.deleteRemote ? -d : d;
}

function pathOf(a: Action): string {
    if (a.kind === 'updateBaseline') return a.entry?.platformPath ?? '';
    return a.path;
}
