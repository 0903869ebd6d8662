/**
 * What the `Subscriptions` table keeps. Three row kinds, one partition each:
 * - `sub`/{subscriptionId}: the Graph subscription (several drive records may share one Graph drive,
 *   and Graph allows one subscription per resource + URL + app, so it lists every drive it serves);
 * - `drive`/{driveId}: the drive's notification health, shown in the drive view;
 * - `request`/{driveId}: the debounce state of webhook syncs (see syncRequests.ts).
 */
export type NotificationState = 'active' | 'unavailable' | 'error' | 'off';

export interface SubscriptionRecord {
    subscriptionId: string;
    integrationId: string;
    graphDriveId: string;
    driveIds: string[];
    /** The account whose token created (and renews) the subscription. */
    homeAccountId: string;
    /** SHA-256 of the clientState; the clientState itself is never stored. */
    clientStateHash: string;
    expiresAt: string;
    createdAt: string;
    renewedAt?: string;
}

export interface DriveNotifications {
    driveId: string;
    integrationId: string;
    state: NotificationState;
    subscriptionId?: string;
    expiresAt?: string;
    /** Why notifications are not active: the drive syncs on its schedule meanwhile. */
    reason?: { code: string; message: string; graphCode?: string };
    updatedAt: string;
}

export interface SyncRequestState {
    /** When the last webhook sync message becomes visible (epoch ms). */
    dueAt: number;
}

export const PARTITION = { sub: 'sub', drive: 'drive', request: 'request' } as const;
