import { foldName } from '../names';
import { ItemGraph } from './itemGraph';
import { SyncItem } from './model';
import { compareText, depth } from './paths';

/**
 * Items created on both sides under the same name (always the case on a first sync, and on a resync
 * for items the listing did not return) are the same item until their content says otherwise:
 * they are merged, parents before children so that a folder created on both sides merges its
 * contents too. Names match case-insensitively, as SharePoint compares them (graph-sync.md §1.5).
 */
export function pairNewItems(graph: ItemGraph): void {
    const remoteNew = new Map<string, SyncItem>();
    for (const item of graph.sorted()) {
        const place = item.fate === 'new' && item.side === 'remote' ? graph.placeOn(item, 'remote') : undefined;
        if (place) remoteNew.set(slot(place.parent, place.name, item.isFolder), item);
    }
    const platformNew = graph
        .sorted()
        .filter((i) => i.fate === 'new' && i.side === 'platform')
        .sort((a, b) => depth(a.platform?.path ?? '') - depth(b.platform?.path ?? '') || compareText(a.key, b.key));
    for (const item of platformNew) {
        const place = graph.placeOn(item, 'platform');
        const partner = place && remoteNew.get(slot(place.parent, place.name, item.isFolder));
        if (!partner || partner.fate !== 'new') continue;
        merge(graph, partner, item);
    }
}

function slot(parent: string, name: string, isFolder: boolean): string {
    return `${parent}\u0000${foldName(name)}\u0000${isFolder ? 'folder' : 'file'}`;
}

function merge(graph: ItemGraph, remote: SyncItem, platform: SyncItem): void {
    remote.platform = platform.platform;
    remote.platformPlace = platform.platformPlace;
    remote.fate = 'pair';
    remote.side = undefined;
    remote.why = 'created_on_both';
    remote.pairedWith = platform.key;
    if (platform.baseline) remote.replaces = [platform.baseline];
    graph.merge(remote, platform);
}
