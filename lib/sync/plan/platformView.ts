import { appendTo } from './collections';
import { BaselineTree } from './baselineTree';
import { baseName, compareText, joinPath, parentPath } from './paths';
import { BaselineEntry, PlatformEntry } from './types';

/** The platform side now: where each baseline item is (if anywhere), and the entries nobody claimed. */
export interface PlatformView {
    located: Map<string, PlatformEntry>;
    created: PlatformEntry[];
}

/**
 * Blob stores have no item ids, so platform renames are inferred: a baseline path that vanished
 * matches a new path with the same content hash and size; a vanished folder matches the new folder
 * holding most of its files at the same relative paths (then its descendants follow it, so a folder
 * rename is one action however many files it holds: pain point #6, abraunegg#876).
 */
export function buildPlatformView(tree: BaselineTree, platform: readonly PlatformEntry[]): PlatformView {
    const index = indexWithFolders(platform);
    const state = new Locator(tree, index);
    for (const base of tree.ordered) state.locateInPlace(base);
    for (const base of tree.ordered)
        if (!base.isFolder && !state.located.has(base.remoteId)) state.locateRenamedFile(base);
    const created = [...index.values()]
        .filter((e) => !state.claimed.has(e.path))
        .sort((a, b) => compareText(a.path, b.path));
    return { located: state.located, created };
}

/** Blob listings imply folders; make sure every ancestor of a blob has an entry. */
function indexWithFolders(platform: readonly PlatformEntry[]): Map<string, PlatformEntry> {
    const index = new Map<string, PlatformEntry>();
    for (const entry of platform) index.set(entry.path, entry);
    for (const entry of platform) {
        for (let dir = parentPath(entry.path); dir !== '' && !index.has(dir); dir = parentPath(dir)) {
            index.set(dir, { path: dir, isFolder: true, size: 0, lastModified: '' });
        }
    }
    return index;
}

class Locator {
    readonly located = new Map<string, PlatformEntry>();
    readonly claimed = new Set<string>();
    /** Where each baseline item would be if only its ancestors' renames had happened. */
    private readonly expected = new Map<string, string>();
    private readonly reserved = new Set<string>();
    private readonly byContent = new Map<string, PlatformEntry[]>();

    constructor(
        private readonly tree: BaselineTree,
        private readonly index: Map<string, PlatformEntry>,
    ) {
        for (const base of tree.ordered) this.reserved.add(base.platformPath);
        for (const entry of [...index.values()].sort((a, b) => compareText(a.path, b.path))) {
            if (entry.isFolder || !entry.contentHash) continue;
            const key = contentKey(entry.contentHash, entry.size);
            appendTo(this.byContent, key, entry);
        }
    }

    locateInPlace(base: BaselineEntry): void {
        const parent = this.tree.parentOf(base);
        const parentNow = parent
            ? (this.located.get(parent.remoteId)?.path ?? this.expected.get(parent.remoteId) ?? parent.platformPath)
            : parentPath(base.platformPath);
        const path = joinPath(parentNow, baseName(base.platformPath));
        this.expected.set(base.remoteId, path);
        this.reserved.add(path);
        const entry = this.index.get(path);
        if (entry && entry.isFolder === base.isFolder && !this.claimed.has(path)) this.claim(base, entry);
        else if (base.isFolder) this.locateRenamedFolder(base);
    }

    locateRenamedFile(base: BaselineEntry): void {
        if (!base.platformHash) return;
        const candidates = (this.byContent.get(contentKey(base.platformHash, base.platformSize)) ?? []).filter((e) =>
            this.isFree(e.path),
        );
        const expected = this.expected.get(base.remoteId) ?? base.platformPath;
        const best = pickBest(
            candidates.map((e) => e.path),
            expected,
        );
        if (best !== undefined) this.claim(base, this.index.get(best) as PlatformEntry);
    }

    private locateRenamedFolder(base: BaselineEntry): void {
        const votes = new Map<string, number>();
        for (const { relative, entry } of this.tree.filesUnder(base)) {
            if (!entry.platformHash) continue;
            for (const candidate of this.byContent.get(contentKey(entry.platformHash, entry.platformSize)) ?? []) {
                if (!candidate.path.endsWith(`/${relative}`)) continue;
                const folder = candidate.path.slice(0, -relative.length - 1);
                const folderEntry = this.index.get(folder);
                if (folderEntry?.isFolder && this.isFree(folder)) votes.set(folder, (votes.get(folder) ?? 0) + 1);
            }
        }
        const most = Math.max(0, ...votes.values());
        const best = pickBest(
            [...votes.keys()].filter((f) => votes.get(f) === most),
            this.expected.get(base.remoteId) ?? '',
        );
        if (best !== undefined) this.claim(base, this.index.get(best) as PlatformEntry);
    }

    private isFree(path: string): boolean {
        return !this.claimed.has(path) && !this.reserved.has(path);
    }

    private claim(base: BaselineEntry, entry: PlatformEntry): void {
        this.located.set(base.remoteId, entry);
        this.claimed.add(entry.path);
    }
}

function contentKey(hash: string, size: number): string {
    return `${hash}|${size}`;
}

/** Prefer the same name (a move), then the same folder (a rename), then the first path: deterministic. */
function pickBest(paths: string[], expected: string): string | undefined {
    const score = (p: string) =>
        baseName(p) === baseName(expected) ? 0 : parentPath(p) === parentPath(expected) ? 1 : 2;
    return [...paths].sort((a, b) => score(a) - score(b) || compareText(a, b))[0];
}
