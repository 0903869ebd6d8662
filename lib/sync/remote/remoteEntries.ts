import type { BaselineEntry, RemoteEntry, Unsupported } from '../plan';
import { parentPath } from '../plan/paths';
import { type DeltaItem, isFolderItem, modifiedOf } from './deltaItem';
import { insideUnsupported, unsupportedItem } from './unsupportedItems';

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
export function toRemoteEntries(
    items: readonly DeltaItem[],
    baseline: readonly BaselineEntry[],
    knownRootId?: string,
): ResolvedRemote {
    const byId = new Map(items.map((i) => [i.id, i]));
    const rootId = items.find((i) => i.root)?.id ?? knownRootId;
    const basePaths = new Map(baseline.map((b) => [b.remoteId, b.platformPath]));
    const paths = new RemotePaths(byId, rootId, basePaths);
    const entries: RemoteEntry[] = [];
    const orphans: DeltaItem[] = [];
    for (const item of items) {
        if (item.root || item.id === rootId) continue;
        const entry = paths.entryOf(item);
        if (entry) entries.push(entry);
        else orphans.push(item);
    }
    return { entries, orphans, rootId };
}

/**
 * Paths from parent ids: a parent among `byId` (this delta's items, or only its folders) gives its
 * new path, otherwise the baseline's path for it; the root is ''. Each id is resolved once.
 */
export class RemotePaths {
    private readonly paths = new Map<string, string | null>();
    /** Per folder id: the nearest package at or above it (null: none known). */
    private readonly packages = new Map<string, DeltaItem | null>();
    private folders: Map<string, string> | undefined;

    constructor(
        private readonly byId: ReadonlyMap<string, DeltaItem>,
        private readonly rootId: string | undefined,
        private readonly basePaths: ReadonlyMap<string, string> = new Map(),
    ) {}

    /** The planner's entry for a (non-root) item, or undefined when its place in the tree is unknown (an orphan). */
    entryOf(item: DeltaItem): RemoteEntry | undefined {
        const path = item.deleted ? (this.basePaths.get(item.id) ?? '') : this.pathOfItem(item, 0);
        if (path === null) return undefined;
        const entry = toEntry(item, path, this.basePaths);
        const unsupported = item.deleted ? undefined : this.unsupportedOf(item);
        if (unsupported) entry.unsupported = unsupported;
        return entry;
    }

    /** A package or shortcut itself, or anything inside a package this listing knows of (unsupportedItems.ts). */
    private unsupportedOf(item: DeltaItem): Unsupported | undefined {
        const own = unsupportedItem(item);
        if (own) return own;
        const container = item.parentReference?.id ? this.packageAt(item.parentReference.id, 0) : undefined;
        return container ? insideUnsupported(container, unsupportedItem(container)!) : undefined;
    }

    private packageAt(id: string, depth: number): DeltaItem | undefined {
        if (id === this.rootId || depth > 400) return undefined;
        const known = this.packages.get(id);
        if (known !== undefined) return known ?? undefined;
        const item = this.byId.get(id);
        const parentId = item?.parentReference?.id;
        const found = !item
            ? undefined
            : item.package
              ? item
              : parentId
                ? this.packageAt(parentId, depth + 1)
                : undefined;
        this.packages.set(id, found ?? null);
        return found;
    }

    private pathOf(id: string, depth: number): string | null {
        if (id === this.rootId) return '';
        const known = this.paths.get(id);
        if (known !== undefined) return known;
        const item = this.byId.get(id);
        const path = !item || item.deleted ? this.basePathNow(id, depth) : this.pathOfItem(item, depth);
        this.paths.set(id, path);
        return path;
    }

    /**
     * A folder this input does not list stands where the baseline has it, below any folder above it
     * that the input does list at a new place: delta reports a renamed or moved folder alone, not its
     * descendants (graph-sync.md §1.3), so a change inside one of them hangs from the folder's new path.
     */
    private basePathNow(id: string, depth: number): string | null {
        const base = this.basePaths.get(id);
        if (base === undefined) return null;
        const listed = this.listedFolders();
        for (let dir = parentPath(base); dir !== ''; dir = parentPath(dir)) {
            const folderId = listed.get(dir);
            if (folderId === undefined) continue;
            const now = this.pathOf(folderId, depth + 1);
            return now === null ? null : now + base.slice(dir.length);
        }
        return base;
    }

    /** Baseline paths of the live folders this input lists, by id. */
    private listedFolders(): Map<string, string> {
        if (this.folders) return this.folders;
        this.folders = new Map();
        for (const item of this.byId.values()) {
            const base = !item.deleted && isFolderItem(item) ? this.basePaths.get(item.id) : undefined;
            if (base !== undefined) this.folders.set(base, item.id);
        }
        return this.folders;
    }

    private pathOfItem(item: DeltaItem, depth: number): string | null {
        if (depth > 400 || item.name === undefined) return null;
        const parentId = item.parentReference?.id;
        const parent = parentId === undefined ? null : this.pathOf(parentId, depth + 1);
        return parent === null ? null : parent === '' ? item.name : `${parent}/${item.name}`;
    }
}

function toEntry(item: DeltaItem, path: string, basePaths: ReadonlyMap<string, string>): RemoteEntry {
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
