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
    // A heap, not a sorted array: shifting and splicing a 100,000-action list is quadratic.
    const ready = new MinHeap<Action>(before);
    for (const a of actions) if (waiting.get(a.id)?.size === 0) ready.push(a);
    const ordered: Action[] = [];
    const done = new Set<string>();
    while (ordered.length < actions.length) {
        const next = ready.pop() ?? breakCycle(actions, done, waiting);
        if (done.has(next.id)) continue;
        done.add(next.id);
        ordered.push(next);
        for (const dependent of dependents.get(next.id) ?? []) {
            const pending = waiting.get(dependent) as Set<string>;
            pending.delete(next.id);
            if (pending.size === 0 && !done.has(dependent)) ready.push(byId.get(dependent) as Action);
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

/** A binary min-heap under `compare`. */
class MinHeap<T> {
    private readonly items: T[] = [];

    constructor(private readonly compare: (a: T, b: T) => number) {}

    push(item: T): void {
        const items = this.items;
        items.push(item);
        for (let i = items.length - 1; i > 0;) {
            const parent = (i - 1) >> 1;
            if (this.compare(items[parent], items[i]) <= 0) break;
            [items[parent], items[i]] = [items[i], items[parent]];
            i = parent;
        }
    }

    pop(): T | undefined {
        const items = this.items;
        const top = items[0];
        const last = items.pop();
        if (items.length === 0 || last === undefined) return top;
        items[0] = last;
        for (let i = 0; ;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let least = i;
            if (l < items.length && this.compare(items[l], items[least]) < 0) least = l;
            if (r < items.length && this.compare(items[r], items[least]) < 0) least = r;
            if (least === i) break;
            [items[least], items[i]] = [items[i], items[least]];
            i = least;
        }
        return top;
    }
}

function before(a: Action, b: Action): number {
    return (
        PHASE[a.kind] - PHASE[b.kind] ||
        depthKey(a) - depthKey(b) ||
        compareText(pathOf(a), pathOf(b)) ||
        compareText(a.id, b.id)
    );
}

function depthKey(a: Action): number {
    const d = depth(pathOf(a));
    return PHASE[a.kind] === PHASE.deleteRemote ? -d : d;
}

function pathOf(a: Action): string {
    if (a.kind === 'updateBaseline') return a.entry?.platformPath ?? '';
    return a.path;
}
