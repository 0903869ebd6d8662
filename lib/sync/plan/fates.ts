import { ItemGraph } from './itemGraph';
import { isLiveOn, SyncItem } from './model';
import { intendedPlacement, movedOn } from './moves';
import { ConflictPolicy, Side } from './types';

/**
 * The delete rows of the decision table. A delete is only ever planned for an item the baseline
 * proves was synced, that is gone from one side and unchanged on the other. An edit, a move or a
 * rename beats a delete (rclone bisync: "the changed copy survives"); an item missing from a
 * resync's full listing is unknown, not deleted, so it is uploaded again (graph-sync.md §1.3
 * resyncChangesUploadDifferences).
 */
export function decideInitialFates(graph: ItemGraph): void {
    for (const item of graph.sorted()) if (item.baseline) decideBaselineFate(graph, item);
}

function decideBaselineFate(graph: ItemGraph, item: SyncItem): void {
    const onRemote = isLiveOn(item, 'remote');
    const onPlatform = isLiveOn(item, 'platform');
    if (!onRemote && !onPlatform) return setFate(item, 'forget', undefined, 'deleted_on_both');
    if (onRemote && onPlatform) return setFate(item, 'keep', undefined, undefined);
    const live: Side = onRemote ? 'remote' : 'platform';
    if (item.remoteAbsent) return setFate(item, 'new', live, 'resync_unlisted');
    if (editedOn(graph, item, live)) return setFate(item, 'new', live, 'delete_vs_edit');
    setFate(
        item,
        'delete',
        live,
        onRemote ? 'deleted_on_platform' : item.remoteUnlisted ? 'unlisted_on_remote' : 'deleted_on_remote',
    );
}

function editedOn(graph: ItemGraph, item: SyncItem, side: Side): boolean {
    const contentChanged = side === 'remote' ? item.remoteChange === 'content' : item.platformChange === 'content';
    return contentChanged || movedOn(graph, item, side);
}

/**
 * A folder moved or renamed on one side while deleted on the other survives, and so does everything
 * under it on the side that moved it: from that side's point of view every one of them was edited.
 */
export function rescueMovedSubtrees(graph: ItemGraph): void {
    for (const item of graph.sorted()) {
        if (item.fate !== 'delete' || !item.side) continue;
        const side = item.side;
        const rescuer = (a: SyncItem) =>
            a.fate === 'new' && a.side === side && a.why === 'delete_vs_edit' && a.baseline !== undefined;
        if (ancestorOn(graph, item, side, rescuer)) setFate(item, 'new', side, 'delete_vs_edit');
    }
}

/**
 * "Only delete a folder if it is empty after syncing all the changes" (graph-sync.md §1.3): a folder
 * about to be deleted stays (and is re-created on the side that deleted it) while anything that
 * survives is headed into it or still physically inside it.
 */
export function keepFoldersOfSurvivors(graph: ItemGraph, policy: ConflictPolicy): void {
    const queue = graph.sorted().filter((i) => survives(i));
    // An index walks the queue: shift() on a 100,000-item array is quadratic.
    for (let next = 0; next < queue.length; next++) {
        const item = queue[next];
        for (const parentKey of containingKeys(graph, item, policy)) {
            const parent = graph.get(parentKey);
            if (parent?.fate !== 'delete') continue;
            setFate(parent, 'new', parent.side, 'kept_for_content');
            queue.push(parent);
        }
    }
}

function survives(item: SyncItem): boolean {
    return item.fate === 'keep' || item.fate === 'new' || item.fate === 'pair' || item.fate === 'skip';
}

/** Folders the item will be in, and (until it moves out, or for a skipped item, for good) is in now. */
function containingKeys(graph: ItemGraph, item: SyncItem, policy: ConflictPolicy): string[] {
    const keys: string[] = [];
    const intended = item.fate === 'skip' ? undefined : intendedPlacement(graph, item, policy);
    if (intended) keys.push(intended.parent);
    if (item.fate === 'skip') {
        for (const side of ['remote', 'platform'] as const) {
            const place = isLiveOn(item, side) ? graph.placeOn(item, side) : undefined;
            if (place) keys.push(place.parent);
        }
    }
    return keys;
}

function ancestorOn(graph: ItemGraph, item: SyncItem, side: Side, test: (a: SyncItem) => boolean): boolean {
    const seen = new Set<string>();
    for (let p = graph.parentOn(item, side); p && !seen.has(p.key); p = graph.parentOn(p, side)) {
        if (test(p)) return true;
        seen.add(p.key);
    }
    return false;
}

export function setFate(item: SyncItem, fate: SyncItem['fate'], side: Side | undefined, why: string | undefined): void {
    item.fate = fate;
    item.side = side;
    item.why = why;
}
