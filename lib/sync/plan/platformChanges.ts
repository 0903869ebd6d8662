import { platformChange } from './compare';
import { foldPath, parentPath } from './paths';
import type { BaselineEntry, PlatformEntry } from './types';

/**
 * What a listing of the platform store shows that the baseline does not: the input of a listing run
 * planned over the changes only (scope.ts), so its memory does not grow with the drive.
 *
 * Found folder by folder (engine/platformDiff.ts lists one folder's children and reads the same
 * folder's baseline rows through the path index): an entry is unchanged when the baseline row at the
 * same path has the same type and, for a file, the same blob ETag, size and hash and no dirty flag;
 * then the baseline's image of it (engine/platformSide.ts) is what the planner would have seen, but
 * for its Last-Modified, which the planner reads only when the platform side changed (content.ts).
 */
export interface PlatformChanges {
    /** Entries at a path the baseline does not hold with the same type (new, moved, renamed, retyped). */
    created: PlatformEntry[];
    /** Files at their baseline path whose blob changed (or was only touched: the planner tells). */
    edited: { entry: PlatformEntry; row: BaselineEntry }[];
    /** Baseline rows whose path holds nothing of their type now (deleted, moved or renamed away). */
    vanished: BaselineEntry[];
    /**
     * Case-folded paths of vanished folders the listing never entered (no blob below their exact
     * path): every row below them is gone too, without being listed one by one.
     */
    goneFolders: Set<string>;
}

export function noPlatformChanges(): PlatformChanges {
    return { created: [], edited: [], vanished: [], goneFolders: new Set() };
}

export function countPlatformChanges(c: PlatformChanges): number {
    return c.created.length + c.edited.length + c.vanished.length;
}

/** Whether a diff found nothing at all (no entry, and no folder gone without being listed). */
export function noChangesIn(c: PlatformChanges): boolean {
    return countPlatformChanges(c) === 0 && c.goneFolders.size === 0;
}

/** Adds one folder's changes to a run's. */
export function addPlatformChanges(into: PlatformChanges, more: PlatformChanges): void {
    into.created.push(...more.created);
    into.edited.push(...more.edited);
    into.vanished.push(...more.vanished);
    for (const folder of more.goneFolders) into.goneFolders.add(folder);
}

/**
 * One folder's diff: its children on the platform (every spelling of the folder, case-folded
 * together as the path index groups them) against its children in the baseline. `entered` says
 * whether the listing goes into a child folder (case-folded path: any spelling of it on the platform).
 */
export function diffFolder(
    baseline: readonly BaselineEntry[],
    platform: readonly PlatformEntry[],
    entered: (path: string) => boolean,
    into: PlatformChanges,
    remoteChanged: ReadonlySet<string> = new Set(),
): void {
    const rows = new Map<string, BaselineEntry>();
    for (const b of baseline) rows.set(b.platformPath, b);
    const present = new Map<string, PlatformEntry>();
    for (const e of platform) present.set(e.path, e);
    for (const e of platform) {
        const b = rows.get(e.path);
        if (!b || b.isFolder !== e.isFolder) into.created.push(e);
        else if (!e.isFolder && edited(b, e, remoteChanged)) into.edited.push({ entry: e, row: b });
    }
    for (const b of baseline) {
        const e = present.get(b.platformPath);
        if (e && e.isFolder === b.isFolder) continue;
        into.vanished.push(b);
        if (b.isFolder && !entered(foldPath(b.platformPath))) into.goneFolders.add(foldPath(b.platformPath));
    }
}

/**
 * A file whose content changed (compare.ts: a new ETag or the API's dirty flag, and not the same hash
 * and size), or that was touched to a new ETag (the planner records it: an updateBaseline). One whose
 * only difference is the dirty flag (it stays on every file uploaded through the API, so counting it
 * would make every listing run's changes grow with the drive) plans as unchanged, except that a
 * SharePoint move of it says so in its reason: such a file counts when delta changed its item.
 */
function edited(b: BaselineEntry, e: PlatformEntry, remoteChanged: ReadonlySet<string>): boolean {
    const change = platformChange(b, e);
    if (change === 'content') return true;
    if (change === 'touched') return e.blobETag !== b.platformETag || remoteChanged.has(b.remoteId);
    return e.size !== b.platformSize || e.contentHash !== b.platformHash;
}

/** The same diff over a whole drive held in memory: the reference the folder-by-folder listing must match (tests). */
export function diffListing(
    baseline: readonly BaselineEntry[],
    platform: readonly PlatformEntry[],
    remoteChanged: ReadonlySet<string> = new Set(),
): PlatformChanges {
    const groups = new Map<string, { baseline: BaselineEntry[]; platform: PlatformEntry[] }>();
    const group = (path: string) => {
        const key = foldPath(parentPath(path));
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { baseline: [], platform: [] }));
        return g;
    };
    for (const b of baseline) group(b.platformPath).baseline.push(b);
    for (const e of withImpliedFolders(platform)) group(e.path).platform.push(e);
    const folders = new Set(withImpliedFolders(platform).filter((e) => e.isFolder || hasChildren(e, platform)));
    const entered = new Set([...folders].map((e) => foldPath(e.path)));
    const changes = noPlatformChanges();
    for (const g of groups.values()) diffFolder(g.baseline, g.platform, (p) => entered.has(p), changes, remoteChanged);
    // A gone folder's rows are not diffed one by one in a walk: drop them as the walk would never see them.
    return withoutRowsBelowGone(changes);
}

/** Rows and gone folders below a gone folder are not recorded (the walk never reads their folder). */
export function withoutRowsBelowGone(changes: PlatformChanges): PlatformChanges {
    const below = (path: string) => {
        for (let dir = parentPath(foldPath(path)); dir !== ''; dir = parentPath(dir))
            if (changes.goneFolders.has(dir)) return true;
        return false;
    };
    return {
        ...changes,
        vanished: changes.vanished.filter((b) => !below(b.platformPath)),
        goneFolders: new Set([...changes.goneFolders].filter((f) => !below(f))),
    };
}

/** Whether the platform holds the row's path now, given the changes (rows not in them are unchanged). */
export function stillListed(b: BaselineEntry, changes: PlatformChanges, vanished: ReadonlySet<string>): boolean {
    if (vanished.has(b.remoteId)) return false;
    for (let dir = parentPath(foldPath(b.platformPath)); dir !== ''; dir = parentPath(dir))
        if (changes.goneFolders.has(dir)) return false;
    return true;
}

function withImpliedFolders(platform: readonly PlatformEntry[]): PlatformEntry[] {
    const out = new Map<string, PlatformEntry>();
    for (const e of platform) out.set(e.path, e);
    for (const e of platform)
        for (let dir = parentPath(e.path); dir !== '' && !out.has(dir); dir = parentPath(dir))
            out.set(dir, { path: dir, isFolder: true, size: 0, lastModified: '' });
    return [...out.values()];
}

function hasChildren(e: PlatformEntry, platform: readonly PlatformEntry[]): boolean {
    return platform.some((p) => p.path.startsWith(`${e.path}/`));
}
