import type { BaselineEntry, PlatformEntry } from '../plan';
import { stillListed, type PlatformChanges } from '../plan/platformChanges';
import type { PlatformChangeMark } from '../platform/platformChanges';
import type { SyncMessage } from '../contracts';

/** Why a run lists the whole platform store (recorded on the run), or `undefined` when it need not. */
export type PlatformScanReason =
    | 'first_sync'
    | 'resync'
    | 'remote_listing'
    | 'transfer_skipped'
    | 'manual'
    | 'sweep'
    | 'platform_changed'
    | 'scan_due';

export interface PlatformScanInput {
    firstSync: boolean;
    resync: boolean;
    /** The periodic reconciliation listing of SharePoint (remoteListing.ts): a delete it finds needs the platform as it is now. */
    remoteListing?: boolean;
    /** An upload was skipped (its file changed after planning): only a listing shows the file again. */
    transferSkipped?: boolean;
    trigger: SyncMessage['trigger'];
    mark: PlatformChangeMark | undefined;
    /** When the last listing that a finished run applied began, and the mark it covered. */
    lastScanAt: string | undefined;
    lastScanMarkId: string | undefined;
    /** PlatformScanMinutes: the longest a drive goes without a listing (0 = list on every run). */
    scanMinutes: number;
    now: number;
}

/**
 * The platform writes through this service's API, which marks the drive (platformChanges.ts), so a
 * run lists the store only when that mark is newer than its last listing, when the admin asked
 * ("Sync now", the daily sweep), when the trust in the baseline is being rebuilt (first sync, 410 resync), or when
 * the periodic listing is due: that last one catches writes made around the API (a blob deleted
 * with a storage tool, an upload never completed).
 */
export function platformScanReason(input: PlatformScanInput): PlatformScanReason | undefined {
    if (input.firstSync) return 'first_sync';
    if (input.resync) return 'resync';
    if (input.remoteListing) return 'remote_listing';
    if (input.transferSkipped) return 'transfer_skipped';
    if (input.trigger === 'manual' || input.trigger === 'sweep') return input.trigger;
    const last = input.lastScanAt ? Date.parse(input.lastScanAt) : Number.NaN;
    if (Number.isNaN(last) || input.now - last >= input.scanMinutes * 60_000) return 'scan_due';
    // Marks are compared by id, not by time: instances' clocks need not agree.
    if (input.mark && input.mark.id !== input.lastScanMarkId) return 'platform_changed';
    return undefined;
}

/**
 * The platform side as the baseline records it: what a listing would return when nothing was written
 * there since the last one (the applier and the transfers keep the baseline's platform half current).
 */
export function platformFromBaseline(baseline: readonly BaselineEntry[]): PlatformEntry[] {
    return baseline.map((b) =>
        b.isFolder
            ? { path: b.platformPath, isFolder: true, size: 0, lastModified: '' }
            : {
                  path: b.platformPath,
                  isFolder: false,
                  size: b.platformSize,
                  lastModified: '',
                  ...(b.platformETag ? { blobETag: b.platformETag } : {}),
                  ...(b.platformHash ? { contentHash: b.platformHash } : {}),
              },
    );
}

/**
 * The platform side of a listing run planned over its changes (plan/platformChanges.ts): the listed
 * entries that differ from the baseline, and the baseline's image of every other row still listed.
 */
export function platformFromChanges(baseline: readonly BaselineEntry[], changes: PlatformChanges): PlatformEntry[] {
    const vanished = new Set(changes.vanished.map((b) => b.remoteId));
    const edited = new Map(changes.edited.map((e) => [e.row.remoteId, e.entry]));
    const listed = baseline.filter((b) => !edited.has(b.remoteId) && stillListed(b, changes, vanished));
    return [...platformFromBaseline(listed), ...edited.values(), ...changes.created];
}
