import { foldPath, parentPath } from './paths';
import type { BaselineEntry, PlanInput, PlatformEntry, RemoteEntry } from './types';

/**
 * An incremental run's plan input cut down to what the changes can touch, so planning costs what
 * changed rather than what the drive holds. Valid only when the platform side is the baseline's own
 * image (no platform listing this run: engine/platformSide.ts), so every change comes from delta.
 *
 * What a changed item can touch, on either its old or its new place:
 *  - its own baseline row, and the row of the folder delta names as its parent;
 *  - its siblings (pairing, case collisions, conflict copy names compare children of one folder);
 *  - for a folder that moved, was renamed, deleted, created or changed type, everything below its old
 *    and new place (a folder delta lists only because something inside changed carries nothing);
 *  - and the folders above every row kept, so each has a parent to hang from.
 * Rows outside this set are unchanged on both sides: the planner would derive nothing for them.
 */
export function scopeToChanges(input: PlanInput): PlanInput {
    const needs = scopeNeeds(input.remote, new Map(input.baseline.map((b) => [b.remoteId, b])));
    const kept = input.baseline.filter((b) => inScope(b, needs));
    const baseline = withAncestors(kept, input.baseline, needs.above);
    const paths = new Set(baseline.map((b) => b.platformPath));
    const platform: PlatformEntry[] = input.platform.filter((p) => paths.has(p.path));
    return { ...input, baseline, platform };
}

/** What changes can touch, as a store can query it (state/baselineIndex.ts): paths are case-folded. */
export interface ScopeNeeds {
    /** Rows by remote id: the changed items and the parents delta names. */
    ids: Set<string>;
    /** Folders whose children are all needed (siblings). */
    folders: Set<string>;
    /** Folders whose whole subtree is needed. */
    subtrees: Set<string>;
    /** Folders above a changed item's new place (delta names only its parent, and by id). */
    above: Set<string>;
}

export function scopeNeeds(remote: readonly RemoteEntry[], byId: ReadonlyMap<string, BaselineEntry>): ScopeNeeds {
    const needs: ScopeNeeds = { ids: new Set(), folders: new Set(), subtrees: new Set(), above: new Set() };
    const place = (path: string, subtree: boolean) => {
        needs.folders.add(foldPath(parentPath(path)));
        if (subtree) needs.subtrees.add(foldPath(path));
    };
    for (const r of remote) {
        needs.ids.add(r.id);
        const known = byId.get(r.id);
        // A folder that stayed where it was (delta lists the folders above every change) carries nothing along.
        const carries = !known || r.deleted || known.platformPath !== r.path || known.isFolder !== r.isFolder;
        if (known) place(known.platformPath, known.isFolder && carries);
        if (!r.deleted) {
            place(r.path, r.isFolder && carries);
            for (let dir = parentPath(r.path); dir !== ''; dir = parentPath(dir)) needs.above.add(foldPath(dir));
        }
        if (r.parentId) needs.ids.add(r.parentId);
        const parent = r.parentId ? byId.get(r.parentId) : undefined;
        if (parent) needs.folders.add(foldPath(parent.platformPath));
    }
    return needs;
}

/** A row the changes touch directly (its ancestors are added separately). */
export function inScope(b: BaselineEntry, needs: ScopeNeeds): boolean {
    return needs.ids.has(b.remoteId) || needs.folders.has(foldPath(parentPath(b.platformPath))) || isUnder(foldPath(b.platformPath), needs.subtrees);
}

function isUnder(path: string, folders: ReadonlySet<string>): boolean {
    for (let dir = parentPath(path); ; dir = parentPath(dir)) {
        if (folders.has(dir)) return true;
        if (dir === '') return false;
    }
}

/** `kept` and every folder above a kept row or named in `above` (case-folded paths), in baseline order. */
function withAncestors(kept: BaselineEntry[], all: readonly BaselineEntry[], above: ReadonlySet<string>): BaselineEntry[] {
    const needed = new Set(above);
    for (const b of kept) for (let dir = parentPath(b.platformPath); dir !== ''; dir = parentPath(dir)) needed.add(foldPath(dir));
    const chosen = new Set(kept);
    for (const b of all) if (b.isFolder && needed.has(foldPath(b.platformPath))) chosen.add(b);
    return all.filter((b) => chosen.has(b));
}
