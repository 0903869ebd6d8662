import { BaselineTree } from './baselineTree';
import { platformChange, remoteChange } from './compare';
import { ItemGraph } from './itemGraph';
import { Placement, platformKey, remoteKey, ROOT, SyncItem } from './model';
import { baseName, parentPath } from './paths';
import { PlatformView } from './platformView';
import { RemoteView } from './remoteView';
import { BaselineEntry, PlatformEntry, RemoteEntry } from './types';

/**
 * Joins the three inputs into one record per item: baseline items by Graph id, items new on the
 * remote by their id, items new on the platform by their path. Each record knows where the item sits
 * on each side, as (parent item, name), so moves are compared by identity, not by path.
 */
export function buildItems(tree: BaselineTree, remote: RemoteView, platform: PlatformView): ItemGraph {
    const items = new Map<string, SyncItem>();
    for (const base of tree.ordered) items.set(remoteKey(base.remoteId), baselineItem(base, tree, remote, platform));
    for (const entry of remote.created) items.set(remoteKey(entry.id), newRemoteItem(entry));
    for (const entry of platform.created) items.set(platformKey(entry.path), newPlatformItem(entry));
    placeAll(items);
    return new ItemGraph(items);
}

function baselineItem(base: BaselineEntry, tree: BaselineTree, remote: RemoteView, platform: PlatformView): SyncItem {
    const status = remote.status.get(base.remoteId) ?? { kind: 'absent' };
    const live = status.kind === 'live' ? status.entry : undefined;
    const located = platform.located.get(base.remoteId);
    const parent = tree.parentOf(base);
    return {
        key: remoteKey(base.remoteId),
        isFolder: base.isFolder,
        baseline: base,
        remote: live,
        platform: located,
        remoteChange: live ? remoteChange(base, live) : 'same',
        platformChange: located ? platformChange(base, located) : 'same',
        remoteDeleted: status.kind === 'deleted',
        remoteUnlisted: status.kind === 'deleted' && !!status.unlisted,
        remoteAbsent: status.kind === 'absent',
        basePlace: { parent: parent ? remoteKey(parent.remoteId) : ROOT, name: baseName(base.platformPath) },
        fate: 'keep',
    };
}

function newRemoteItem(entry: RemoteEntry): SyncItem {
    return { ...blank(remoteKey(entry.id), entry.isFolder), remote: entry, fate: 'new', side: 'remote' };
}

function newPlatformItem(entry: PlatformEntry): SyncItem {
    return { ...blank(platformKey(entry.path), entry.isFolder), platform: entry, fate: 'new', side: 'platform' };
}

function blank(key: string, isFolder: boolean): SyncItem {
    return {
        key,
        isFolder,
        remoteChange: 'same',
        platformChange: 'same',
        remoteDeleted: false,
        remoteAbsent: false,
        fate: 'new',
    };
}

function placeAll(items: Map<string, SyncItem>): void {
    const remoteIndex = new Map<string, string>();
    const platformIndex = new Map<string, string>();
    for (const item of items.values()) {
        if (item.remote) remoteIndex.set(item.remote.path, item.key);
        if (item.platform) platformIndex.set(item.platform.path, item.key);
    }
    for (const item of items.values()) {
        if (item.remote) item.remotePlace = placementOf(item.remote.path, remoteIndex);
        if (item.platform) item.platformPlace = placementOf(item.platform.path, platformIndex);
    }
}

/** A parent the listing does not contain gets a `dir:` key so the item still has a stable place. */
function placementOf(path: string, index: Map<string, string>): Placement {
    const parent = parentPath(path);
    return { parent: parent === '' ? ROOT : (index.get(parent) ?? `dir:${parent}`), name: baseName(path) };
}
