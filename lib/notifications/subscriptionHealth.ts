import type { Services } from '../runtime/services';
import type { NotificationState } from './subscriptionRecords';
import { getDriveNotifications } from './subscriptionStore';

/**
 * What the drive view shows under `notifications`: whether changes arrive by webhook or the drive
 * relies on its schedule (and the daily sweep), and why.
 */
export interface SubscriptionHealth {
    state: NotificationState;
    /** `webhook` when a live subscription exists; otherwise the drive syncs on its schedule only. */
    mode: 'webhook' | 'schedule';
    expiresAt?: string;
    reason?: { code: string; message: string; graphCode?: string };
    updatedAt?: string;
}

export async function subscriptionHealth(services: Services, driveId: string): Promise<SubscriptionHealth> {
    const row = await getDriveNotifications(await services.tables.get('subscriptions'), driveId);
    if (!row)
        return {
            state: 'off',
            mode: 'schedule',
            reason: { code: 'no_subscription', message: 'No subscription has been set up for this drive yet.' },
        };
    const expired = row.expiresAt !== undefined && Date.parse(row.expiresAt) <= Date.now();
    const state = row.state === 'active' && expired ? 'error' : row.state;
    return {
        state,
        mode: state === 'active' ? 'webhook' : 'schedule',
        ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
        ...(expired && row.state === 'active'
            ? {
                  reason: {
                      code: 'subscription_expired',
                      message: 'The subscription expired before it was renewed; the renewal timer recreates it.',
                  },
              }
            : row.reason
              ? { reason: row.reason }
              : {}),
        updatedAt: row.updatedAt,
    };
}
