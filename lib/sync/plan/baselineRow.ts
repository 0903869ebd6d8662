import { SyncItem } from './model';
import { BaselineEntry } from './types';

/**
 * The row both sides agree on once an item needs no transfer. Tags the delta did not repeat (ODB
 * omits cTag, §1.3) are carried over from the old row when the content did not change.
 */
export function agreedRow(item: SyncItem, platformPath: string): BaselineEntry | undefined {
    const remote = item.remote;
    const platform = item.platform;
    if (!remote || !platform) return undefined;
    const old = item.fate === 'keep' && item.remoteChange !== 'content' ? item.baseline : undefined;
    return {
        remoteId: remote.id,
        platformPath,
        isFolder: item.isFolder,
        remoteETag: remote.eTag,
        remoteCTag: remote.cTag ?? old?.remoteCTag,
        remoteHash: remote.quickXorHash ?? old?.remoteHash,
        remoteSize: remote.size,
        platformETag: platform.blobETag,
        platformSize: platform.size,
        platformHash: platform.contentHash,
    };
}

export function sameRow(a: BaselineEntry, b: BaselineEntry | undefined): boolean {
    if (!b) return false;
    const keys = Object.keys({ ...a, ...b }) as (keyof BaselineEntry)[];
    return keys.every((k) => a[k] === b[k]);
}
