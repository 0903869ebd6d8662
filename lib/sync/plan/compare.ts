import { PlatformChange, RemoteChange } from './model';
import { BaselineEntry, PlatformEntry, RemoteEntry } from './types';

/**
 * Did the remote content change since the baseline? eTag covers metadata + content, cTag content only
 * (graph-sync.md §1.4), so an eTag change with the same cTag is a metadata-only change: no download.
 * ODB delta often omits cTag (§1.3), so the hash decides next, compared with the *server's* hash the
 * baseline recorded after upload: SharePoint enrichment (§1.4, pain point #1) is then never a change.
 * A file without hashes (OneNote files, some SharePoint items: m365-quirks.md 6) has only its cTag to
 * tell: the run reads it when delta left it out and the size stayed (remote/contentTags.ts), as abraunegg
 * and rclone fall back on tags and size; with no cTag to compare, it counts as content (one download
 * records the cTag, and the next metadata change is recognised).
 */
export function remoteChange(base: BaselineEntry, now: RemoteEntry): RemoteChange {
    if (now.eTag === base.remoteETag) return 'same';
    if (base.isFolder) return 'meta';
    if (now.cTag !== undefined && now.cTag === base.remoteCTag) return 'meta';
    if (sameHash(now.quickXorHash, base.remoteHash) && now.size === base.remoteSize) return 'meta';
    return 'content';
}

/** Did the blob change? A new ETag (or the API's dirty flag) with the same hash and size is only a touch. */
export function platformChange(base: BaselineEntry, now: PlatformEntry): PlatformChange {
    if (base.isFolder) return 'same';
    if (now.blobETag === base.platformETag && !now.dirty) return 'same';
    if (sameHash(now.contentHash, base.platformHash) && now.size === base.platformSize) return 'touched';
    return 'content';
}

/** The equality check before any conflict (rclone bisync `checkconflicts`, graph-sync.md §2.2). */
export function sameContent(remote: RemoteEntry, platform: PlatformEntry): boolean {
    return sameHash(remote.quickXorHash, platform.contentHash) && remote.size === platform.size;
}

function sameHash(a: string | undefined, b: string | undefined): boolean {
    return a !== undefined && a !== '' && a === b;
}

/** Graph keeps modification times to the second (§1.4); finer comparisons cause false conflicts. */
export function wholeSeconds(iso: string): number {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
