import { ItemGraph } from './itemGraph';
import { Placement, samePlacement, SyncItem } from './model';
import { ConflictPolicy, Side } from './types';

export interface PlacementChoice {
    place: Placement;
    /** Which side's placement won, when the item moved. */
    movedBy?: Side;
    /** Reason code when the item moved. */
    why?: string;
}

export function movedOn(graph: ItemGraph, item: SyncItem, side: Side): boolean {
    const now = graph.placeOn(item, side);
    return now !== undefined && item.basePlace !== undefined && !samePlacement(now, item.basePlace);
}

/**
 * Where an item live on both sides should end up. Remote moves are known by id (delta gives the new
 * parent and name), platform moves by the rename detection; when both sides moved it to different
 * places nothing is lost either way, so the remote (shared) location wins unless the drive prefers
 * the platform.
 */
export function choosePlacement(graph: ItemGraph, item: SyncItem, policy: ConflictPolicy): PlacementChoice {
    const remote = graph.placeOn(item, 'remote') as Placement;
    const platform = graph.placeOn(item, 'platform') as Placement;
    const remoteMoved = movedOn(graph, item, 'remote');
    const platformMoved = movedOn(graph, item, 'platform');
    if (!platformMoved)
        return remoteMoved ? { place: remote, movedBy: 'remote', why: 'moved_on_remote' } : { place: remote };
    if (!remoteMoved) return { place: platform, movedBy: 'platform', why: 'moved_on_platform' };
    if (samePlacement(remote, platform)) return { place: remote, why: 'moved_on_both' };
    return policy === 'prefer-platform'
        ? { place: platform, movedBy: 'platform', why: 'move_conflict' }
        : { place: remote, movedBy: 'remote', why: 'move_conflict' };
}

/** The placement an item is heading for, before pairing and collisions refine it. */
export function intendedPlacement(graph: ItemGraph, item: SyncItem, policy: ConflictPolicy): Placement | undefined {
    if (item.fate === 'keep' || item.fate === 'pair') return choosePlacement(graph, item, policy).place;
    if (item.fate === 'new' && item.side) return graph.placeOn(item, item.side);
    return undefined;
}
