import type { TableClient } from '@azure/data-tables';
import { DriveNotifications, NotificationState } from './subscriptionRecords';
import { putDriveNotifications } from './subscriptionStore';

/** Records a drive's notification health (what the drive view shows). */
export async function markDrive(
    table: TableClient,
    drive: { id: string; integrationId: string },
    state: NotificationState,
    details: { subscriptionId?: string; expiresAt?: string; reason?: DriveNotifications['reason'] } = {},
): Promise<DriveNotifications> {
    const record: DriveNotifications = {
        driveId: drive.id,
        integrationId: drive.integrationId,
        state,
        ...details,
        updatedAt: new Date().toISOString(),
    };
    await putDriveNotifications(table, record);
    return record;
}
