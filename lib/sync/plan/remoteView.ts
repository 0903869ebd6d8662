import { BaselineTree } from './baselineTree';
import { baseName, compareText, depth, joinPath, parentPath } from './paths';
import { BaselineEntry, RemoteEntry } from './types';

/** `unlisted`: deleted because a full listing that proves absence did not list it (PlanOptions.unlistedDeleted). */
export type RemoteStatus =
    { kind: 'live'; entry: RemoteEntry } | { kind: 'deleted'; unlisted?: boolean } | { kind: 'absent' };

/** The remote side now: each baseline item's status, and the items the baseline has never seen. */
export interface RemoteView {
    status: Map<string, RemoteStatus>;
    created: RemoteEntry[];
    /** Ids whose parent the input does not explain: skipped this run. */
    unknown: Set<string>;
}

export interface RemoteViewMode {
    /** `remote` is a full listing (first sync or resync), not a set of changes. */
    fullListing: boolean;
    /** A full listing that proves absence: what it does not list is deleted, not unknown. */
    unlistedDeleted?: boolean;
}

/**
 * Delta gives the latest state of changed items only, and the last occurrence of an id wins
 * (graph-sync.md §1.3). Unchanged items keep their baseline state; because a folder rename does not
 * re-emit its descendants, their paths follow their parent's new path. In a full listing an item
 * that is missing is `absent` (unknown) unless the listing proves absence (`unlistedDeleted`: a 410
 * whose reason says the server's version wins, or the reconciliation listing), then it is deleted.
 */
export function buildRemoteView(tree: BaselineTree, remote: readonly RemoteEntry[], mode: RemoteViewMode): RemoteView {
    const latest = new Map<string, RemoteEntry>();
    for (const entry of remote) latest.set(entry.id, entry);
    const status = new Map<string, RemoteStatus>();
    for (const base of tree.ordered)
        status.set(base.remoteId, statusOf(base, latest.get(base.remoteId), tree, status, mode));
    const created = [...latest.values()].filter((e) => !e.deleted && !tree.byId.has(e.id));
    return settleOrphans({ status, created, unknown: new Set() }, tree);
}

/**
 * An entry whose parent is not a live folder is an orphan (§1.3: buffer orphans to the end of the
 * page set). Under a folder whose tombstone arrived it went with that folder; otherwise the input is
 * inconsistent (a path resolved against stale parents), and the item is left alone this run rather
 * than guessed at: absence of proof never deletes.
 */
function settleOrphans(view: RemoteView, tree: BaselineTree): RemoteView {
    const live = [...view.status.values()].flatMap((s) => (s.kind === 'live' ? [s.entry] : [])).concat(view.created);
    const folders = new Set<string>();
    const orphans = new Set<string>();
    for (const entry of live.sort((a, b) => depth(a.path) - depth(b.path) || compareText(a.path, b.path))) {
        const parent = parentPath(entry.path);
        if (parent !== '' && !folders.has(parent)) orphans.add(entry.id);
        else if (entry.isFolder) folders.add(entry.path);
    }
    const unknown = new Set<string>();
    for (const id of orphans) {
        const base = tree.byId.get(id);
        if (base && underTombstone(base, tree, view.status)) view.status.set(id, { kind: 'deleted' });
        else if (base || !underTombstonedPath(view, id, tree)) unknown.add(id);
    }
    return { status: view.status, created: view.created.filter((e) => !orphans.has(e.id)), unknown };
}

function underTombstone(base: BaselineEntry, tree: BaselineTree, status: Map<string, RemoteStatus>): boolean {
    for (let p = tree.parentOf(base); p; p = tree.parentOf(p))
        if (status.get(p.remoteId)?.kind === 'deleted') return true;
    return false;
}

/** A new orphan under a deleted baseline folder was created, then deleted with it. */
function underTombstonedPath(view: RemoteView, id: string, tree: BaselineTree): boolean {
    const entry = view.created.find((e) => e.id === id);
    for (let dir = entry ? parentPath(entry.path) : ''; dir !== ''; dir = parentPath(dir)) {
        const base = tree.byPath.get(dir);
        if (base && view.status.get(base.remoteId)?.kind === 'deleted') return true;
    }
    return false;
}

function statusOf(
    base: BaselineEntry,
    entry: RemoteEntry | undefined,
    tree: BaselineTree,
    known: Map<string, RemoteStatus>,
    mode: RemoteViewMode,
): RemoteStatus {
    if (entry?.deleted)
        return entry.unlisted === 'unknown'
            ? { kind: 'absent' }
            : entry.unlisted
              ? { kind: 'deleted', unlisted: true }
              : { kind: 'deleted' };
    if (entry) return { kind: 'live', entry };
    if (mode.fullListing) return mode.unlistedDeleted ? { kind: 'deleted', unlisted: true } : { kind: 'absent' };
    const parent = tree.parentOf(base);
    const parentStatus = parent ? known.get(parent.remoteId) : undefined;
    // A folder's tombstone takes its unreported descendants with it (they went to the recycle bin).
    if (parentStatus && parentStatus.kind !== 'live') return { kind: parentStatus.kind };
    const parentNow = parentStatus?.kind === 'live' ? parentStatus.entry.path : parentPath(base.platformPath);
    return { kind: 'live', entry: unchangedEntry(base, joinPath(parentNow, baseName(base.platformPath))) };
}

function unchangedEntry(base: BaselineEntry, path: string): RemoteEntry {
    return {
        id: base.remoteId,
        parentId: null,
        name: baseName(path),
        path,
        isFolder: base.isFolder,
        eTag: base.remoteETag,
        cTag: base.remoteCTag,
        quickXorHash: base.remoteHash,
        size: base.remoteSize,
        lastModified: '',
    };
}
