import type { Services } from '../../runtime/services';
import { readDocument, writeDocument } from '../runs/tableDocument';

/**
 * Per drive: where delta stands. `deltaLink` once caught up; during an enumeration the `nextLink` of
 * the next page to fetch, the enumeration's journal id, and how it started (a full listing when it
 * began without a token, after a 410, or as the reconciliation listing). Saved after every page, so a
 * crash resumes at that page. Only links Graph handed out on a page that worked are ever saved: never a
 * 410's Location (it has been seen failing, onedrive-api-docs#249).
 */
export interface DeltaCursor {
    /**
     * The Graph drive the links, the journal and the drive's baseline belong to. A drive rebound to
     * another Graph drive (reconnected with another account, another library chosen) never reads the
     * old drive's state as the new one's (engine/graphBinding.ts).
     */
    graphDriveId?: string;
    deltaLink?: string;
    nextLink?: string;
    /** Identifies the page journal of the enumeration in progress. */
    enumerationId?: string;
    /** Pages of this enumeration already journaled. */
    pages: number;
    fullListing: boolean;
    resync?: { reason: string; at: string };
    /**
     * The enumeration in progress is a first sync's, journaled whole (retain 'journal'): a run that
     * resumes it finishes that first sync in batches, whatever its transfers folded into the baseline
     * since (engine/reconcile.ts).
     */
    firstSync?: boolean;
    /** The enumeration in progress is the periodic reconciliation listing (engine/remoteListing.ts). */
    relist?: { at: string };
    /** When the last full listing of SharePoint that a finished run applied began (first sync, resync, reconciliation). */
    remoteListedAt?: string;
    /** The drive root's id: delta parents resolve to it (learned from the first full listing). */
    rootId?: string;
    /** When the platform listing of the last applied run began (engine/platformSide.ts). */
    platformScannedAt?: string;
    /** The platform change mark read before that listing (platformChanges.ts): a newer mark means list again. */
    platformMarkId?: string;
    /** SharePoint items whose action failed in the last applied run: the next run fetches them by id and plans them again. */
    recheck?: string[];
    updatedAt: string;
}

const ROW = 'cursor';

export async function loadCursor(
    services: Services,
    driveId: string,
): Promise<{ cursor: DeltaCursor | undefined; etag?: string }> {
    const found = await readDocument<DeltaCursor>(await services.tables.get('syncState'), driveId, ROW);
    return { cursor: found?.value, etag: found?.etag };
}

/** Unconditional: only the lease holder writes the cursor. */
export async function saveCursor(services: Services, driveId: string, cursor: DeltaCursor): Promise<void> {
    await writeDocument(
        await services.tables.get('syncState'),
        driveId,
        ROW,
        { ...cursor, updatedAt: new Date().toISOString() },
        '*',
    );
}
