import { compareText } from './paths';
import { isLiveOn, placeOn, Placement, ROOT, SyncItem } from './model';
import { Side } from './types';

/**
 * Every item of the plan by key, plus the aliases left when two independently created items are
 * paired (the platform key then points at the merged remote item).
 */
export class ItemGraph {
    private readonly alias = new Map<string, string>();
    /** `sorted()` is asked for by every pass; items only ever leave (merge), so one sort serves them all. */
    private order?: SyncItem[];

    constructor(readonly items: Map<string, SyncItem>) {}

    canon(key: string): string {
        return this.alias.get(key) ?? key;
    }

    get(key: string): SyncItem | undefined {
        return this.items.get(this.canon(key));
    }

    /** Deterministic iteration order for everything the planner emits. */
    sorted(): SyncItem[] {
        this.order ??= [...this.items.values()].sort((a, b) => compareText(a.key, b.key));
        return this.order;
    }

    merge(into: SyncItem, from: SyncItem): void {
        this.items.delete(from.key);
        this.alias.set(from.key, into.key);
        this.order = undefined;
    }

    /** The item's current placement on a side, with its parent key resolved through aliases. */
    placeOn(item: SyncItem, side: Side): Placement | undefined {
        const place = placeOn(item, side);
        return place && { parent: this.canon(place.parent), name: place.name };
    }

    /** The item's parent on a side (undefined at the root, or when the parent is not an item). */
    parentOn(item: SyncItem, side: Side): SyncItem | undefined {
        const place = isLiveOn(item, side) ? this.placeOn(item, side) : undefined;
        return place && place.parent !== ROOT ? this.get(place.parent) : undefined;
    }

    /** True when any of the item's ancestors on either side satisfies `test`. */
    withinAny(item: SyncItem, test: (ancestor: SyncItem) => boolean): boolean {
        return this.ancestorWhere(item, test) !== undefined;
    }

    /** The nearest ancestor (remote side first, then platform) that satisfies `test`. */
    ancestorWhere(item: SyncItem, test: (ancestor: SyncItem) => boolean): SyncItem | undefined {
        for (const side of ['remote', 'platform'] as const) {
            const seen = new Set<string>();
            for (let p = this.parentOn(item, side); p && !seen.has(p.key); p = this.parentOn(p, side)) {
                if (test(p)) return p;
                seen.add(p.key);
            }
        }
        return undefined;
    }
}
