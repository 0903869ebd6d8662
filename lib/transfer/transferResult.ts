import type { TransferResult } from './context';
import type { DriveItem } from './graphApi';
import type { TransferNote } from './integrity';

/**
 * The journal's record of a finished transfer, the new baseline of both sides: the item as the server
 * has it now (after an upload, post-enrichment) and the blob as the platform has it, with the notes
 * of what happened on the way (enrichment, served bytes that differ from the listing, a retried 412).
 */
export function transferResult(
    item: DriveItem,
    blob: { platformETag: string; size: number; hash: string; enriched: boolean; notes?: readonly TransferNote[] },
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
        ...(blob.notes?.length ? { notes: [...blob.notes] } : {}),
    };
}
