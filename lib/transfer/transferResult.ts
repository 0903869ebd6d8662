import type { TransferResult } from './context';
import type { DriveItem } from './graphApi';

/**
 * The journal's record of a finished transfer, the new baseline of both sides: the item as the server
 * has it now (after an upload, post-enrichment) and the blob as the platform has it.
 */
export function transferResult(
    item: DriveItem,
    blob: { platformETag: string; size: number; hash: string; enriched: boolean },
): TransferResult {
    return {
        remoteId: item.id,
        remoteETag: item.eTag,
        remoteCTag: item.cTag,
        remoteHash: item.file?.hashes?.quickXorHash,
        remoteSize: item.size,
        platformETag: blob.platformETag,
        platformSize: blob.size,
        platformHash: blob.hash,
        enriched: blob.enriched,
    };
}
