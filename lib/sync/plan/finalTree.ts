import { appendTo } from './collections';
import { checkPath, foldName } from '../names';
import { conflictName } from './conflictName';
import { decideContent } from './content';
import { ItemGraph } from './itemGraph';
import { isLiveOn, Placement, ROOT, samePlacement, SyncItem } from './model';
import { intendedPlacement } from './moves';
import { compareText, joinPath } from './paths';
import { skip } from './screenNames';
import { ConflictPolicy, PlanOptions, Side } from './types';

/** Where every surviving item ends up, and where conflict copies go. */
export interface FinalTree {
    path: Map<string, string>;
    conflictPath: Map<string, string>;
}

const MAX_LAYOUT_ATTEMPTS = 3;

/**
 * Lays the surviving items out top-down from the root. In each folder, names that would collide
 * (case-insensitively, as SharePoint compares them) go to the item already there, else the one
 * SharePoint already has; the others get a conflict name that no current or planned item uses. A
 * path SharePoint would reject is skipped here, with its subtree, because only now is the full path known.
 */
export function layoutFinalTree(graph: ItemGraph, policy: ConflictPolicy, options: PlanOptions): FinalTree {
    const intended = new Map<string, Placement>();
    for (const item of survivors(graph)) {
        item.content = decideContent(item, policy, options.firstSync || !!options.resumedFirstSync);
        intended.set(item.key, intendedPlacement(graph, item, policy) as Placement);
    }
    let tree = new Layout(graph, intended, options).run();
    for (let attempt = 1; attempt < MAX_LAYOUT_ATTEMPTS && unplaced(graph, tree).length > 0; attempt++) {
        repairUnplaced(graph, tree, intended);
        tree = new Layout(graph, intended, options).run();
    }
    for (const item of unplaced(graph, tree)) {
        skip(
            item,
            'move_cycle',
            'The two sides moved folders into each other.',
            'Move one of the folders back on the platform.',
        );
    }
    return tree;
}

function survivors(graph: ItemGraph): SyncItem[] {
    return graph.sorted().filter((i) => i.fate === 'keep' || i.fate === 'new' || i.fate === 'pair');
}

function unplaced(graph: ItemGraph, tree: FinalTree): SyncItem[] {
    return survivors(graph).filter((i) => !tree.path.has(i.key));
}

/** Under a skipped folder: skip too. In a cycle of cross-side moves: fall back to SharePoint's tree. */
function repairUnplaced(graph: ItemGraph, tree: FinalTree, intended: Map<string, Placement>): void {
    for (const item of unplaced(graph, tree)) {
        if (underSkipped(graph, item, intended)) {
            skip(
                item,
                'parent_skipped',
                'A folder above this item cannot be synced, so neither can the item.',
                'Fix the folder reported for the parent on the platform; its contents sync after that.',
            );
        } else if (isLiveOn(item, 'remote')) {
            intended.set(item.key, graph.placeOn(item, 'remote') as Placement);
        }
    }
}

function underSkipped(graph: ItemGraph, item: SyncItem, intended: Map<string, Placement>): boolean {
    const seen = new Set<string>();
    for (
        let key = intended.get(item.key)?.parent;
        key !== undefined && !seen.has(key);
        key = intended.get(key)?.parent
    ) {
        if (graph.get(key)?.fate === 'skip') return true;
        seen.add(key);
    }
    return false;
}

class Layout {
    private readonly tree: FinalTree = { path: new Map(), conflictPath: new Map() };
    private readonly taken = new Map<string, Set<string>>();
    private readonly pinned = new Set<string>();
    private readonly children = new Map<string, SyncItem[]>();

    constructor(
        private readonly graph: ItemGraph,
        private readonly intended: Map<string, Placement>,
        private readonly options: PlanOptions,
    ) {
        for (const item of graph.sorted()) this.noteCurrentNames(item);
        for (const item of survivors(graph)) {
            item.final = undefined;
            item.displacedFrom = undefined;
            const parent = (intended.get(item.key) as Placement).parent;
            appendTo(this.children, parent, item);
        }
    }

    run(): FinalTree {
        const roots = [ROOT, ...[...this.children.keys()].filter((k) => k.startsWith('dir:')).sort(compareText)];
        const queue = roots.map((key) => ({ key, path: key === ROOT ? '' : key.slice('dir:'.length) }));
        for (let next = 0; next < queue.length; next++) {
            const { key, path } = queue[next];
            for (const item of this.nameChildren(key)) {
                const placed = this.place(item, path);
                if (placed !== undefined && item.isFolder) queue.push({ key: item.key, path: placed });
            }
        }
        return this.tree;
    }

    /** Every name in use on either side now stays out of reach of conflict names. */
    private noteCurrentNames(item: SyncItem): void {
        for (const side of ['remote', 'platform'] as const) {
            const place = isLiveOn(item, side) ? this.graph.placeOn(item, side) : undefined;
            if (!place) continue;
            this.takenIn(place.parent).add(foldName(place.name));
            // A skipped item stays where it is: on SharePoint its name blocks any case variant, on
            // the platform (case-sensitive blob names) only the exact name.
            if (item.fate === 'skip')
                this.pinned.add(
                    side === 'remote' ? slot(place.parent, foldName(place.name)) : slot(place.parent, place.name, true),
                );
        }
    }

    private nameChildren(parent: string): SyncItem[] {
        const kids = this.children.get(parent) ?? [];
        const groups = new Map<string, SyncItem[]>();
        for (const item of kids) {
            const folded = foldName(this.want(item).name);
            appendTo(groups, folded, item);
        }
        for (const folded of [...groups.keys()].sort(compareText))
            this.nameGroup(parent, groups.get(folded) as SyncItem[]);
        return kids.filter((i) => i.fate !== 'skip');
    }

    private nameGroup(parent: string, group: SyncItem[]): void {
        const ordered = [...group].sort((a, b) => this.rank(a) - this.rank(b) || compareText(a.key, b.key));
        ordered.forEach((item, index) => {
            const wanted = this.want(item).name;
            const blocked =
                index > 0 ||
                this.pinned.has(slot(parent, foldName(wanted))) ||
                this.pinned.has(slot(parent, wanted, true));
            const name = blocked
                ? conflictName(wanted, item.isFolder, this.origin(item), this.options.now, this.takenIn(parent))
                : wanted;
            if (blocked) item.displacedFrom = wanted;
            this.takenIn(parent).add(foldName(name));
            item.final = { parent, name };
        });
    }

    /** The item SharePoint already has under that name keeps it; then the platform's; then by key. */
    private rank(item: SyncItem): number {
        if (this.settledOn(item, 'remote')) return 0;
        return this.settledOn(item, 'platform') ? 1 : 2;
    }

    private origin(item: SyncItem): Side {
        if (this.settledOn(item, 'platform') && !this.settledOn(item, 'remote')) return 'platform';
        return item.side ?? 'remote';
    }

    private settledOn(item: SyncItem, side: Side): boolean {
        return isLiveOn(item, side) && samePlacement(this.graph.placeOn(item, side), this.want(item));
    }

    private want(item: SyncItem): Placement {
        return this.intended.get(item.key) as Placement;
    }

    /** Fixes the item's path; returns it, or undefined when SharePoint would reject it. */
    private place(item: SyncItem, parentPath: string): string | undefined {
        const final = item.final as Placement;
        const path = joinPath(parentPath, final.name);
        if (!this.acceptable(item, path)) return undefined;
        if (item.content?.kind === 'keepBoth') {
            const copy = conflictName(
                final.name,
                false,
                item.content.loser,
                this.options.now,
                this.takenIn(final.parent),
            );
            const copyPath = joinPath(parentPath, copy);
            if (!this.acceptable(item, copyPath)) return undefined;
            this.takenIn(final.parent).add(foldName(copy));
            this.tree.conflictPath.set(item.key, copyPath);
        }
        this.tree.path.set(item.key, path);
        return path;
    }

    /** Paths SharePoint does not have yet are checked before any call (graph-sync.md §1.5). */
    private acceptable(item: SyncItem, path: string): boolean {
        if (item.remote && item.remote.path === path) return true;
        const result = checkPath(path, {
            isFolder: item.isFolder,
            size: item.isFolder ? undefined : item.platform?.size,
            rootPathLength: this.options.rootPathLength,
            lastSegmentOnly: true,
        });
        if (!result.ok) skip(item, result.rule, result.message, result.hint);
        return result.ok;
    }

    private takenIn(parent: string): Set<string> {
        let names = this.taken.get(parent);
        if (!names) this.taken.set(parent, (names = new Set()));
        return names;
    }
}

function slot(parent: string, name: string, exact = false): string {
    return `${parent}\u0000${exact ? 'exact' : 'folded'}\u0000${name}`;
}
