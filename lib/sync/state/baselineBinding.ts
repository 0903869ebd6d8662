import { restStatus } from '../../storage/restError';
import type { Services } from '../../runtime/services';
import { deletePartition } from '../../storage/partitions';
import { layoutOf, NEW_DRIVE_BUCKETS, readLayout } from './baselineLayout';
import { clearListingDigests } from './listingDigests';

/**
 * Which Graph drive a platform drive's baseline describes: a row `$graph` in the baseline's partition
 * (outside the item and index key ranges, so loads never see it). The cursor carries the same id and
 * is what a run checks first (engine/graphBinding.ts); this row answers when the cursor cannot (a
 * drive whose cursor row is gone, a first sync under way).
 */
const ROW = '$graph';

interface BindingRow {
    partitionKey: string;
    rowKey: string;
    graphDriveId: string;
}

export async function readBaselineBinding(services: Services, driveId: string): Promise<string | undefined> {
    const table = await services.tables.get('baselines');
    try {
        return (await table.getEntity<BindingRow>(driveId, ROW)).graphDriveId;
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

export async function writeBaselineBinding(services: Services, driveId: string, graphDriveId: string): Promise<void> {
    const table = await services.tables.get('baselines');
    await table.upsertEntity<BindingRow>({ partitionKey: driveId, rowKey: ROW, graphDriveId }, 'Replace');
}

/**
 * Forgets everything both sides ever agreed on for the drive: item rows, path index, count, binding,
 * and the listings found equal to them (listingDigests.ts).
 * Every bucket a new drive would use is emptied too, whatever the recorded layout (a migration cut
 * short leaves copies there), so the drive starts again from nothing; the home partition goes last,
 * with the meta row, so a clear cut short is finished by the next one.
 */
export async function clearBaseline(services: Services, driveId: string): Promise<number> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    const buckets = new Set([...layout.partitions, ...layoutOf(driveId, NEW_DRIVE_BUCKETS).partitions]);
    buckets.delete(driveId);
    let deleted = await clearListingDigests(services, driveId);
    for (const partition of buckets) deleted += await deletePartition(table, partition);
    return deleted + (await deletePartition(table, driveId));
}
