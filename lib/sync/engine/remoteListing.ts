import type { DeltaCursor, DeltaEnumeration } from '../remote';
import type { ResolvedRemote } from '../remote';

/**
 * The periodic reconciliation listing: delta does not always report a delete (tombstones are not
 * guaranteed, onedrive-api-docs#1927; a folder deleted and recreated while a client pages shows only
 * the new id, microsoft-graph-docs-contrib#8794; delegated delta hides items the user lost access to),
 * so every so often a run enumerates the drive from scratch (delta without a token) and plans it as a
 * full listing that proves absence: a synced item it no longer lists was deleted in SharePoint, and is
 * deleted on the platform unless the platform changed it since (still through the big-delete guard).
 *
 * Why a fresh delta enumeration and not a folder-by-folder `children` walk: it costs one request per
 * page of items (`$top=1000` asked; the service decides the page size), where a walk costs at least one
 * per folder, and delta is the only listing Microsoft guarantees complete while writes happen ("paging
 * through the children collection ... not guaranteed to return every single item if any writes take
 * place during the enumeration. Using delta is the only way to guarantee that you've read all of the
 * data you need to", driveitem_delta.md) — a walk that missed an item would delete it here.
 *
 * Why weekly: missed tombstones are field reports, not the rule, and a missed delete leaves a stale
 * copy, never a lost file (the immediate danger, two items at one path, is handled in every run by
 * fetching the displaced item: remote/displacedItems.ts); while a full enumeration of a 100,000-item
 * library is a hundred or more requests against the tenant's resource-unit budget (m365-quirks.md 10),
 * worth spending once a week per drive, not daily. The interval runs from the drive's own last full
 * listing (its first sync, a 410's resync, or the last reconciliation), so a fleet's drives spread out.
 */
export const RELIST_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;

/** Whether this run should enumerate from scratch: a drive that has a deltaLink and has not been fully listed for a week. */
export function reconciliationDue(cursor: DeltaCursor | undefined, now: number): boolean {
    if (!cursor?.deltaLink || cursor.nextLink) return false;
    // Cursors written before the listing was recorded start their interval at their next run (see stampListing).
    if (!cursor.remoteListedAt) return false;
    const last = Date.parse(cursor.remoteListedAt);
    return Number.isNaN(last) || now - last >= RELIST_INTERVAL_MS;
}

/**
 * When the listing this run applied began, for the cursor it saves: a full listing (first sync,
 * resync, reconciliation) starts a new interval; an incremental run keeps the old mark (and gives a
 * cursor from before this field one, so existing drives do not all relist at once).
 */
export function listedAt(
    delta: Pick<DeltaEnumeration, 'fullListing'>,
    cursor: DeltaCursor | undefined,
    startedAt: Date,
): string {
    return delta.fullListing ? startedAt.toISOString() : (cursor?.remoteListedAt ?? startedAt.toISOString());
}

/**
 * Whether this run's full listing may stand as proof that what it does not list is gone: the
 * reconciliation listing, and a 410 whose reason says the server's version wins ("Replace any local
 * items with the server's version (including deletes) if you're sure that the service was up to date
 * with your local changes when you last sync'd": resyncRequired's own message, onedrive-api-docs#1356,
 * and resyncChangesApplyDifferences); the baseline is that certainty, item by item, since a platform
 * change made after it beats the delete. Not for resyncChangesUploadDifferences ("Upload any local
 * items that the service did not return"), and never when some listed item could not be placed in the
 * tree (an orphan), which would otherwise read as deleted.
 */
export function listingProvesAbsence(delta: DeltaEnumeration, resolved: Pick<ResolvedRemote, 'orphans'>): boolean {
    if (!delta.fullListing || resolved.orphans.length > 0) return false;
    if (delta.relist) return true;
    return delta.resync?.reason === 'resyncRequired' || delta.resync?.reason === 'applyDifferences';
}
