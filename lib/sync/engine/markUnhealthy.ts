import type { DriveRecord } from '../../drives/driveRecord';
import { getDrive, saveDrive } from '../../drives/driveRepository';
import type { Logger } from '../../logging/logger';
import type { Services } from '../../runtime/services';
import { signInFailureIn } from '../../graph/graphClient';

/**
 * A run that failed because the account must sign in again marks its drive `needs_reauth` (and
 * raises the drive-health alert) at once: the drive must never look connected while nothing syncs.
 * The scheduler skips such drives until they are reconnected. Returns true when it marked the drive.
 */
export async function markDriveIfSignInLost(
    services: Services,
    drive: DriveRecord,
    error: unknown,
    log?: Logger,
): Promise<boolean> {
    const auth = signInFailureIn(error);
    if (!auth?.needsReauth) return false;
    const table = await services.tables.get('drives');
    const found = await getDrive(table, drive.integrationId, drive.id);
    if (!found || found.drive.status !== 'connected') return false;
    const marked: DriveRecord = {
        ...found.drive,
        status: 'needs_reauth',
        statusCause: { ...auth.failure, at: new Date().toISOString() },
    };
    // Conditional: if the drive was reconnected meanwhile, that newer state wins.
    await saveDrive(table, marked, found.etag);
    const { reportDriveHealth } = await import('../../alerts/driveAlerts');
    await reportDriveHealth(services, marked, log);
    return true;
}
