import { FinalTree } from './finalTree';
import { ItemGraph } from './itemGraph';
import { ROOT, samePlacement, SyncItem } from './model';
import { joinPath } from './paths';
import { Side } from './types';

/**
 * Where items are on each side at the moment their action runs. Moves run parent-first (the plan's
 * dependencies guarantee it), so an item's path at that moment is under its parent's *final* path
 * when the parent moves, else under the parent's own path at that moment.
 */
export class Locator {
    private readonly memo = { remote: new Map<string, string>(), platform: new Map<string, string>() };

    constructor(
        private readonly graph: ItemGraph,
        readonly tree: FinalTree,
    ) {}

    needsMove(item: SyncItem, side: Side): boolean {
        const now = this.graph.placeOn(item, side);
        return (
            now !== undefined &&
            item.final !== undefined &&
            this.tree.path.has(item.key) &&
            !samePlacement(now, item.final)
        );
    }

    finalPath(item: SyncItem): string {
        return this.tree.path.get(item.key) as string;
    }

    /** The item's path on a side just before its own actions run. */
    pathAtTime(item: SyncItem, side: Side): string {
        const cached = this.memo[side].get(item.key);
        if (cached !== undefined) return cached;
        const place = this.graph.placeOn(item, side);
        if (!place) return '';
        this.memo[side].set(item.key, place.name); // guards against cycles in inconsistent input
        const path = joinPath(this.parentPathAtTime(place.parent, side), place.name);
        this.memo[side].set(item.key, path);
        return path;
    }

    /** The item's path on a side once its own move there (if any) is done. */
    pathAfterMove(item: SyncItem, side: Side): string {
        return this.needsMove(item, side) ? this.finalPath(item) : this.pathAtTime(item, side);
    }

    /** The nearest ancestor on a side that moves there: the item's actions wait for it. */
    movingAncestor(item: SyncItem, side: Side): SyncItem | undefined {
        const seen = new Set<string>();
        for (let p = this.graph.parentOn(item, side); p && !seen.has(p.key); p = this.graph.parentOn(p, side)) {
            if (this.needsMove(p, side)) return p;
            seen.add(p.key);
        }
        return undefined;
    }

    private parentPathAtTime(parentKey: string, side: Side): string {
        if (parentKey === ROOT) return '';
        if (parentKey.startsWith('dir:')) return parentKey.slice('dir:'.length);
        const parent = this.graph.get(parentKey);
        if (!parent) return '';
        return this.pathAfterMove(parent, side);
    }
}
