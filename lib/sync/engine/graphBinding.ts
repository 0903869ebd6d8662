import type { Services } from '../../runtime/services';
import { dropJournal, saveCursor, type DeltaCursor } from '../remote';
import { clearBaseline, readBaselineBinding, writeBaselineBinding } from '../state/baselineBinding';
import { clearDeleteDecision } from './deleteDecision';

/**
 * A platform drive can be rebound to another Graph drive: a OneDrive reconnected with another
 * account resolves to that account's OneDrive, a SharePoint drive can be pointed at another library
 * (lib/drives/driveConnection.ts, driveService.ts). The cursor, its journal and the baseline describe
 * the drive they were built on: read against another drive, every item of the old one looks deleted
 * (issue 17). So each run checks which Graph drive its state belongs to, and when that is not the drive
 * it is bound to now, it forgets that state and syncs as a first sync: both sides merge (one-sided
 * items are copied, differing ones kept both), and nothing is deleted anywhere.
 */
export interface Rebinding {
    from: string;
    to: string;
}

/** The Graph drive the stored state belongs to: the cursor says, or its links do (older cursors), or the baseline's binding row. */
export async function boundGraphDrive(
    services: Services,
    driveId: string,
    cursor: DeltaCursor | undefined,
): Promise<string | undefined> {
    return (
        cursor?.graphDriveId ??
        driveIdOfLink(cursor?.deltaLink ?? cursor?.nextLink) ??
        (await readBaselineBinding(services, driveId))
    );
}

/**
 * Checks the binding; on a change, clears the old drive's baseline, journal and held-delete decision
 * and leaves a fresh cursor for the new drive, in an order that a crash at any line repeats safely:
 * the cursor naming the new drive is written last, so until it is, the next run sees the change again.
 */
export async function settleGraphBinding(
    services: Services,
    driveId: string,
    graphDriveId: string,
    cursor: DeltaCursor | undefined,
): Promise<{ cursor: DeltaCursor | undefined; rebound?: Rebinding }> {
    const bound = await boundGraphDrive(services, driveId, cursor);
    if (bound === undefined) {
        // A drive that never synced (or state from before bindings were recorded): it is this drive's now.
        if (!cursor) await writeBaselineBinding(services, driveId, graphDriveId);
        return { cursor };
    }
    // Compared without case: Graph has spelled one Personal drive id in two cases (abraunegg issue 3336).
    if (bound.toLowerCase() === graphDriveId.toLowerCase()) return { cursor };
    await clearBaseline(services, driveId);
    if (cursor?.enumerationId) await dropJournal(services, driveId, cursor.enumerationId).catch(() => undefined);
    await clearDeleteDecision(services, driveId).catch(() => undefined);
    await writeBaselineBinding(services, driveId, graphDriveId);
    const fresh: DeltaCursor = { graphDriveId, pages: 0, fullListing: true, updatedAt: '' };
    await saveCursor(services, driveId, fresh);
    return { cursor: fresh, rebound: { from: bound, to: graphDriveId } };
}

/** `/drives/{id}/` in a delta link Graph handed out (it keeps the addressing the request used). */
export function driveIdOfLink(link: string | undefined): string | undefined {
    if (!link) return undefined;
    const m = /\/drives\/([^/?]+)\//.exec(link);
    if (!m) return undefined;
    try {
        return decodeURIComponent(m[1]);
    } catch {
        return undefined;
    }
}
