import { raiseAlert, resolveAlert } from '../alerts';
import type { Services } from '../runtime/services';
import type { DriveNotifications } from './subscriptionRecords';

export function subscriptionAlertKey(drive: { integrationId: string; id: string }): string {
    return `subscription:${drive.integrationId}:${drive.id}`;
}

/**
 * A drive whose Graph subscription could not be made for a reason other than the service's own
 * configuration (Graph refused it, failed, or the setup threw): it still syncs on its schedule, but
 * changes reach the platform minutes later instead of seconds, so an administrator should know.
 * Configuration (no public HTTPS URL, a URL Graph cannot validate, app-only drive, drive not connected)
 * is said on the drive's notification record, not alerted. Alerts never break subscription handling.
 */
export async function raiseSubscriptionAlert(
    services: Services,
    drive: { integrationId: string; id: string; name?: string },
    reason: NonNullable<DriveNotifications['reason']>,
): Promise<void> {
    await raiseAlert(services, {
        key: subscriptionAlertKey(drive),
        severity: 'warning',
        kind: 'subscription_failed',
        title: `Change notifications for drive "${drive.name ?? drive.id}" could not be set up`,
        message: `${reason.message} The drive syncs on its schedule until a subscription exists.`,
        hint:
            reason.code === 'graph_refused_subscription'
                ? `Graph refused the subscription (${reason.graphCode ?? 'no code'}): check that the drive's account may still read the drive (GET /api/drives/{driveId}?refresh=true); the renewal timer tries again.`
                : 'The renewal timer tries again (every few hours); if it keeps failing, check GET /api/health/details and the drive (GET /api/drives/{driveId}?refresh=true).',
        subject: { type: 'subscription', id: drive.id, ...(drive.name ? { name: drive.name } : {}) },
    }).catch(() => undefined);
}

export async function resolveSubscriptionAlert(
    services: Services,
    drive: { integrationId: string; id: string },
): Promise<void> {
    await resolveAlert(services, subscriptionAlertKey(drive), 'The drive has a Graph subscription again.').catch(
        () => undefined,
    );
}
