import type { Services } from '../runtime/services';
import { deleteDocument, writeDocument } from '../sync/runs/tableDocument';

/**
 * Drives removed whose sync state is still to be purged (purgeDrive.ts): one row per drive in the
 * `purge` partition of table SyncState, written by removeDrive BEFORE the drive record is deleted, so
 * a removal that dies between the two still has its state purged, and dropped only once nothing of
 * the drive is left. A drive id is never reused (a new drive gets a new random id), so a mark can
 * never point at a newer drive's state.
 */
export interface PendingPurge {
    driveId: string;
    integrationId: string;
    /** The drive's account: its tokens go with the purge too if the removal died before releasing them. */
    homeAccountId?: string;
    removedAt: string;
}

const PARTITION = 'purge';

export async function recordPendingPurge(services: Services, mark: PendingPurge): Promise<void> {
    await writeDocument(await services.tables.get('syncState'), PARTITION, mark.driveId, mark, '*');
}

/** Every pending purge, oldest removal first (a handful: drives are removed one by one). */
export async function listPendingPurges(services: Services): Promise<PendingPurge[]> {
    const table = await services.tables.get('syncState');
    const out: PendingPurge[] = [];
    for await (const row of table.listEntities<{ document: string }>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    }))
        out.push(JSON.parse(row.document) as PendingPurge);
    return out.sort((a, b) => a.removedAt.localeCompare(b.removedAt));
}

export async function dropPendingPurge(services: Services, driveId: string): Promise<void> {
    await deleteDocument(await services.tables.get('syncState'), PARTITION, driveId);
}
