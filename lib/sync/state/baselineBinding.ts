import { restStatus } from '../../storage/restError';
import type { Services } from '../../runtime/services';
import { deletePartition } from '../../storage/partitions';

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

/** Forgets everything both sides ever agreed on for the drive: item rows, path index, count, binding. */
export async function clearBaseline(services: Services, driveId: string): Promise<number> {
    return deletePartition(await services.tables.get('baselines'), driveId);
}
