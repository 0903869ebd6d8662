import { foldPath, parentPath } from './paths';
import type { PlatformChanges } from './platformChanges';
import type { BaselineEntry, PlanInput, PlatformEntry, RemoteEntry } from './types';

/**
 * An incremental run's plan input cut down to what the changes can touch, so planning costs what
 * changed rather than what the drive holds. Valid only when the platform side is the baseline's own
 * image (no platform listing this run: engine/platformSide.ts), so every change comes from delta.
 *
 * What a changed item can touch:
 *  - its own baseline row, the row of the folder delta names as its parent, and the folders above
 *    every row kept, so each has a parent to hang from;
 *  - if it was created, moved, renamed, deleted or changed type (a name comes or goes), its siblings
 *    at its old and new place (pairing, case collisions, conflict copy names compare children of one
 *    folder), and for a folder everything below its old and new place. An item edited in place, or a
 *    folder delta lists because something inside changed, touches nothing else.
 * Rows outside this set are unchanged on both sides: the planner would derive nothing for them.
 *
 * A listing run passes the platform side's changes too (platformChanges.ts), found folder by folder,
 * and they touch the same way: a file edited in place its own row; an entry created (new, moved or
 * renamed here, retyped) or a row vanished (deleted, moved or renamed away) its folder's children and,
 * for a folder, its subtree. A move across folders is a vanished row in one folder and a created entry
 * in another, both in scope, so the planner pairs them by content as it does over the whole drive
 * (platformView.ts): rename candidates are only ever paths the baseline does not hold, i.e. created.
 */
export function scopeToChanges(input: PlanInput, platformChanges?: PlatformChanges): PlanInput {
    const needs = scopeNeeds(input.remote, new Map(input.baseline.map((b) => [b.remoteId, b])), platformChanges);
    const kept = input.baseline.filter((b) => inScope(b, needs));
    const baseline = withAncestors(kept, input.baseline, needs.above);
    const paths = new Set(baseline.map((b) => b.platformPath));
    for (const e of platformChanges?.created ?? []) paths.add(e.path);
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

export function scopeNeeds(
    remote: readonly RemoteEntry[],
    byId: ReadonlyMap<string, BaselineEntry>,
    platform?: PlatformChanges,
): ScopeNeeds {
    const needs: ScopeNeeds = { ids: new Set(), folders: new Set(), subtrees: new Set(), above: new Set() };
    const place = (path: string, subtree: boolean) => {
        needs.folders.add(foldPath(parentPath(path)));
        if (subtree) needs.subtrees.add(foldPath(path));
    };
    const ancestors = (path: string) => {
        for (let dir = parentPath(path); dir !== ''; dir = parentPath(dir)) needs.above.add(foldPath(dir));
    };
    for (const { entry, row } of platform?.edited ?? []) {
        needs.ids.add(row.remoteId);
        ancestors(entry.path);
    }
    for (const e of platform?.created ?? []) {
        place(e.path, e.isFolder);
        ancestors(e.path);
    }
    for (const b of platform?.vanished ?? []) {
        needs.ids.add(b.remoteId);
        place(b.platformPath, b.isFolder);
    }
    for (const r of remote) {
        needs.ids.add(r.id);
        if (r.parentId) needs.ids.add(r.parentId);
        const known = byId.get(r.id);
        if (!r.deleted)
            for (let dir = parentPath(r.path); dir !== ''; dir = parentPath(dir)) needs.above.add(foldPath(dir));
        // Edited in place (or a folder delta lists because something inside changed): no name comes or
        // goes in any folder, so only the item's own row and the folders above it matter.
        const moved = !known || r.deleted || known.platformPath !== r.path || known.isFolder !== r.isFolder;
        if (!moved) continue;
        if (known) place(known.platformPath, known.isFolder);
        if (!r.deleted) place(r.path, r.isFolder);
        const parent = r.parentId ? byId.get(r.parentId) : undefined;
        if (parent) needs.folders.add(foldPath(parent.platformPath));
    }
    return needs;
}

/** A row the changes touch directly (its ancestors are added separately). */
export function inScope(b: BaselineEntry, needs: ScopeNeeds): boolean {
    return (
        needs.ids.has(b.remoteId) ||
        needs.folders.has(foldPath(parentPath(b.platformPath))) ||
        isUnder(foldPath(b.platformPath), needs.subtrees)
    );
}

function isUnder(path: string, folders: ReadonlySet<string>): boolean {
    for (let dir = parentPath(path); ; dir = parentPath(dir)) {
        if (folders.has(dir)) return true;
        if (dir === '') return false;
    }
}

/** `kept` and every folder above a kept row or named in `above` (case-folded paths), in baseline order. */
function withAncestors(
    kept: BaselineEntry[],
    all: readonly BaselineEntry[],
    above: ReadonlySet<string>,
): BaselineEntry[] {
    const needed = new Set(above);
    for (const b of kept)
        for (let dir = parentPath(b.platformPath); dir !== ''; dir = parentPath(dir)) needed.add(foldPath(dir));
    const chosen = new Set(kept);
    for (const b of all) if (b.isFolder && needed.has(foldPath(b.platformPath))) chosen.add(b);
    return all.filter((b) => chosen.has(b));
}
