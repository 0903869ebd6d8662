import { appendTo } from './collections';
import { Draft } from './drafts';
import { ItemGraph } from './itemGraph';
import { Locator } from './locate';
import { ROOT } from './model';
import { foldPath, parentPath } from './paths';
import { Side } from './types';

const MOVES = new Set(['renameRemote', 'moveRemote', 'renamePlatform', 'movePlatform']);
const PLACING = new Set([...MOVES, 'createRemoteFolder', 'createPlatformFolder', 'upload', 'download']);

/**
 * Fills `dependsOn`: an item's own actions in order; anything inside a folder after the folder is
 * created or moved (parents before children); anything taking a path after whatever frees it (a
 * type change deletes the file before creating the folder); a folder's delete after everything
 * leaving it (children before parents). Paths compare case-insensitively: on SharePoint `A` and `a`
 * are the same slot.
 */
export function linkDependencies(drafts: Draft[], graph: ItemGraph, at: Locator): void {
    const index = new DraftIndex(drafts);
    const previous = new Map<string, string>();
    for (const draft of drafts) {
        const deps = new Set<string>();
        const own = previous.get(draft.item.key);
        if (own) deps.add(own);
        previous.set(draft.item.key, draft.action.id);
        for (const side of draft.at) {
            const ancestor = at.movingAncestor(draft.item, side);
            const move = ancestor && index.moveOf(side, ancestor.key);
            if (move) deps.add(move);
        }
        for (const target of draft.places) {
            const parentPlacer = placerOfFinalParent(draft, target.side, graph, index);
            if (parentPlacer) deps.add(parentPlacer);
            for (const other of index.vacating(target.side, target.path))
                if (other.item !== draft.item) deps.add(other.action.id);
        }
        if (draft.action.kind === 'deleteRemote' || draft.action.kind === 'deletePlatform') {
            if (draft.action.isFolder)
                for (const inner of index.vacatingWithin(draft.vacates[0])) deps.add(inner.action.id);
        }
        deps.delete(draft.action.id);
        draft.action.dependsOn = [...deps].sort();
    }
}

/** The nearest final ancestor that gets created or moved on that side (its path exists only after). */
function placerOfFinalParent(draft: Draft, side: Side, graph: ItemGraph, index: DraftIndex): string | undefined {
    const seen = new Set<string>();
    for (let key = draft.item.final?.parent; key !== undefined && key !== ROOT && !seen.has(key);) {
        seen.add(key);
        const placer = index.placerOf(side, key);
        if (placer) return placer;
        key = graph.get(key)?.final?.parent;
    }
    return undefined;
}

class DraftIndex {
    private readonly placers = new Map<string, string>();
    private readonly moves = new Map<string, string>();
    private readonly vacatesAt = new Map<string, Draft[]>();
    private readonly vacatesUnder = new Map<string, Draft[]>();

    constructor(drafts: Draft[]) {
        for (const draft of drafts) {
            const kind = draft.action.kind;
            const side: Side = kind.endsWith('Platform') || kind === 'download' ? 'platform' : 'remote';
            if (PLACING.has(kind) && !this.placers.has(slot(side, draft.item.key)))
                this.placers.set(slot(side, draft.item.key), draft.action.id);
            if (MOVES.has(kind)) this.moves.set(slot(side, draft.item.key), draft.action.id);
            for (const v of draft.vacates) {
                appendTo(this.vacatesAt, slot(v.side, foldPath(v.path)), draft);
                for (let dir = parentPath(v.path); dir !== ''; dir = parentPath(dir))
                    appendTo(this.vacatesUnder, slot(v.side, foldPath(dir)), draft);
            }
        }
    }

    placerOf(side: Side, key: string): string | undefined {
        return this.placers.get(slot(side, key));
    }

    moveOf(side: Side, key: string): string | undefined {
        return this.moves.get(slot(side, key));
    }

    vacating(side: Side, path: string): Draft[] {
        return this.vacatesAt.get(slot(side, foldPath(path))) ?? [];
    }

    vacatingWithin(target: { side: Side; path: string }): Draft[] {
        return this.vacatesUnder.get(slot(target.side, foldPath(target.path))) ?? [];
    }
}

function slot(side: Side, key: string): string {
    return `${side}\u0000${key}`;
}
