import type { DriveRecord } from '../drives/driveRecord';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { raiseAlert, resolveAlerts } from './raiseAlert';

const UNHEALTHY = ['needs_reauth', 'access_lost'] as const;

/** One condition per drive and state: a drive that stays in needs_reauth raises once. */
export function driveAlertKey(drive: Pick<DriveRecord, 'integrationId' | 'id'>, status: string): string {
    return `drive-health:${drive.integrationId}:${drive.id}:${status}`;
}

/**
 * Called after a drive's health check (flow 7: it never fails silently). An unhealthy drive raises
 * an alert with the cause and its hint; a drive back to connected resolves the drive's alerts.
 */
export async function reportDriveHealth(services: Services, drive: DriveRecord, log?: Logger): Promise<void> {
    const prefix = `drive-health:${drive.integrationId}:${drive.id}:`;
    if ((UNHEALTHY as readonly string[]).includes(drive.status)) {
        const cause = drive.statusCause;
        await raiseAlert(
            services,
            {
                key: driveAlertKey(drive, drive.status),
                severity: 'critical',
                kind: `drive_${drive.status}`,
                title:
                    drive.status === 'needs_reauth'
                        ? `Drive "${drive.name}" needs to be reconnected`
                        : `Drive "${drive.name}" lost access to its library`,
                message: cause?.message ?? `The drive is ${drive.status.replace('_', ' ')}.`,
                hint: cause?.hint ?? 'Reconnect the drive with POST /api/drives/{driveId}/reconnect.',
                subject: { type: 'drive', id: drive.id, name: drive.name },
            },
            { log },
        );
        await resolveAlerts(
            services,
            (a) => a.key.startsWith(prefix) && a.key !== driveAlertKey(drive, drive.status),
            `The drive is now ${drive.status}.`,
        );
        return;
    }
    if (drive.status === 'connected')
        await resolveAlerts(services, (a) => a.key.startsWith(prefix), 'The drive is connected again.');
}
