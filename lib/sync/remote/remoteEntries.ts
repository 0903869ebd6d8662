import type { BaselineEntry, RemoteEntry } from '../plan';
import { type DeltaItem, isFolderItem, modifiedOf } from './deltaItem';

/** Delta items as the planner wants them, plus the ids whose place in the tree is unknown. */
export interface ResolvedRemote {
    entries: RemoteEntry[];
    /** Items whose parent chain neither this delta nor the baseline explains (skipped this run). */
    orphans: DeltaItem[];
    rootId?: string;
}

/**
 * Resolves each item's path from parent ids (delta has no parentReference.path, §1.3): a parent in
 * this delta gives its new path, otherwise the baseline's path for it, otherwise the root. Items are
 * only resolved once every page is in, so a child listed before its parent is not an orphan.
 */
export function toRemoteEntries(items: readonly DeltaItem[], baseline: readonly BaselineEntry[], knownRootId?: string): ResolvedRemote {
    const byId = new Map(items.map((i) => [i.id, i]));
    const rootId = items.find((i) => i.root)?.id ?? knownRootId;
    const basePaths = new Map(baseline.map((b) => [b.remoteId, b.platformPath]));
    const paths = new Map<string, string | null>();
    const pathOf = (id: string, depth: number): string | null => {
        if (id === rootId) return '';
        const known = paths.get(id);
        if (known !== undefined) return known;
        const item = byId.get(id);
        let path: string | null;
        if (!item || item.deleted) path = basePaths.get(id) ?? null;
        else if (depth > 400 || item.name === undefined) path = null;
        else {
            const parentId = item.parentReference?.id;
            const parent = parentId === undefined ? null : pathOf(parentId, depth + 1);
            path = parent === null ? null : parent === '' ? item.name : `${parent}/${item.name}`;
        }
        paths.set(id, path);
        return path;
    };
    const entries: RemoteEntry[] = [];
    const orphans: DeltaItem[] = [];
    for (const item of items) {
        if (item.root || item.id === rootId) continue;
        const path = item.deleted ? (basePaths.get(item.id) ?? '') : pathOf(item.id, 0);
        if (path === null) {
            orphans.push(item);
            continue;
        }
        entries.push(toEntry(item, path, basePaths));
    }
    return { entries, orphans, rootId };
}

function toEntry(item: DeltaItem, path: string, basePaths: Map<string, string>): RemoteEntry {
    const entry: RemoteEntry = {
        id: item.id,
        parentId: item.parentReference?.id ?? null,
        name: item.name ?? basePaths.get(item.id)?.split('/').pop() ?? '',
        path,
        isFolder: isFolderItem(item),
        eTag: item.eTag ?? '',
        size: item.size ?? 0,
        lastModified: modifiedOf(item) ?? '',
    };
    if (item.cTag) entry.cTag = item.cTag;
    // A tombstone's hash is the empty-content hash on Personal drives: never trust it (§1.3).
    if (item.file?.hashes?.quickXorHash && !item.deleted) entry.quickXorHash = item.file.hashes.quickXorHash;
    if (item.deleted) entry.deleted = true;
    return entry;
}
