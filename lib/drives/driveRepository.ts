import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import { ApiError } from '../http/apiError';
import type { DriveRecord } from './driveRecord';

/** Drives by id, in one partition per integration (list = one partition query). */
interface Row {
    partitionKey: string;
    rowKey: string;
    document: string;
}

export async function getDrive(
    table: TableClient,
    integrationId: string,
    id: string,
): Promise<{ drive: DriveRecord; etag: string } | undefined> {
    try {
        const row = await table.getEntity<Row>(integrationId, id);
        return { drive: JSON.parse(row.document) as DriveRecord, etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** Whether the drive still has its record (a message can outlive a removed drive). */
export async function driveExists(table: TableClient, integrationId: string, id: string): Promise<boolean> {
    return (await getDrive(table, integrationId, id)) !== undefined;
}

export async function requireDrive(
    table: TableClient,
    integrationId: string,
    id: string,
): Promise<{ drive: DriveRecord; etag: string }> {
    const found = await getDrive(table, integrationId, id);
    if (!found)
        throw new ApiError(
            404,
            'drive_not_found',
            `No external drive has the id ${id}.`,
            'List drives with GET /api/drives.',
        );
    return found;
}

export async function listDrives(table: TableClient, integrationId: string): Promise<DriveRecord[]> {
    const drives: DriveRecord[] = [];
    for await (const row of table.listEntities<Row>({
        queryOptions: { filter: `PartitionKey eq '${integrationId.replace(/'/g, "''")}'` },
    })) {
        drives.push(JSON.parse(row.document) as DriveRecord);
    }
    return drives.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Writes a drive; with an etag, fails with 409 drive_changed if someone else wrote it meanwhile. */
export async function saveDrive(table: TableClient, drive: DriveRecord, etag?: string): Promise<void> {
    const row: Row = { partitionKey: drive.integrationId, rowKey: drive.id, document: JSON.stringify(drive) };
    try {
        if (etag) await table.updateEntity(row, 'Replace', { etag });
        else await table.createEntity(row);
    } catch (e) {
        if (restStatus(e) === 412) {
            throw new ApiError(
                409,
                'drive_changed',
                'The drive was changed by another request.',
                'Read the drive again and retry.',
            );
        }
        throw e;
    }
}

export async function deleteDriveRecord(table: TableClient, integrationId: string, id: string): Promise<void> {
    await table.deleteEntity(integrationId, id).catch((e: unknown) => {
        if (restStatus(e) !== 404) throw e;
    });
}

/** Unconditional write (create or replace), for bulk status changes where the last writer should win. */
export async function upsertDrive(table: TableClient, drive: DriveRecord): Promise<void> {
    await table.upsertEntity<Row>(
        { partitionKey: drive.integrationId, rowKey: drive.id, document: JSON.stringify(drive) },
        'Replace',
    );
}
