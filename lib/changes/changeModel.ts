/**
 * What the platform's change feed says: one event per change the sync made in the platform store,
 * in the order they were committed there. The platform refreshes its views, notifies its users or
 * updates its search index from these instead of listing the store.
 */
export const CHANGE_TYPES = ['created', 'updated', 'moved', 'deleted', 'conflict_copy'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** What the sync knows when it makes a change (the feed adds its position and time). */
export interface ChangeDraft {
    /**
     * Stable across redeliveries: derived from the run or transfer that made the change and the
     * path (changeIds.ts), so a handler that runs twice records the change once.
     */
    id: string;
    type: ChangeType;
    /** Drive-relative path the change left in the store (a move's new path, a delete's old one). */
    path: string;
    /** A move's old path; a conflict copy's original (the path the other version kept). */
    previousPath?: string;
    isFolder: boolean;
    size?: number;
    /** The blob's ETag after the change (absent for deletes and folders). */
    etag?: string;
    quickXorHash?: string;
    /** Where a delete put the item (the platform trash: restorable). */
    trashPath?: string;
    runId: string;
    transferId?: string;
}

/** An event as stored and served: the draft plus its position in the drive's feed. */
export interface ChangeEvent extends ChangeDraft {
    driveId: string;
    /** Position in the drive's feed: 1, 2, 3… with no gaps and no reordering (changeLog.ts). */
    sequence: number;
    /** When the event was committed to the feed. */
    recordedAt: string;
}
