import type { TransferResult } from './context';
import type { DriveItem } from './graphApi';

/** The journal's record of an upload: the server's view (post-enrichment) and the platform's. */
export function uploadResult(item: DriveItem, sent: { platformETag: string; size: number; hash: string; enriched: boolean }): TransferResult {
    return {
        remoteId: item.id,
        remoteETag: item.eTag,
        remoteCTag: item.cTag,
        remoteHash: item.file?.hashes?.quickXorHash,
        remoteSize: item.size,
        platformETag: sent.platformETag,
        platformSize: sent.size,
        platformHash: sent.hash,
        enriched: sent.enriched,
    };
}
