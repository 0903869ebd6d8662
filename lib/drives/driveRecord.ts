import type { ConflictPolicy } from './drivePolicies';

/**
 * Health of an external drive: it never fails silently; every non-connected state carries a cause.
 * `credential_unavailable`: the drive itself is fine, but the integration's credential cannot be read
 * (missing or disabled in Key Vault, the vault denying the app…): the cause names the fix, and the
 * drive is connected again by itself once the integration's fault is gone (lib/integration/credentialHealth.ts).
 */
export type DriveStatus =
    'pending_connection' | 'needs_library' | 'connected' | 'needs_reauth' | 'access_lost' | 'credential_unavailable';

export const DRIVE_STATUSES: readonly DriveStatus[] = [
    'pending_connection',
    'needs_library',
    'connected',
    'needs_reauth',
    'access_lost',
    'credential_unavailable',
];

export interface DriveStatusCause {
    code: string;
    message: string;
    hint: string;
    at: string;
}

/** An external drive: a SharePoint library or a OneDrive, bound to one integration and one account. */
export interface DriveRecord {
    id: string;
    integrationId: string;
    name: string;
    kind: 'sharepoint' | 'onedrive';
    scope: 'platform' | 'personal';
    platformUserId?: string;
    account?: { homeAccountId: string; username: string; displayName?: string };
    /** `app`: least-privilege mode, the application's own token (Sites.Selected grant), no account. */
    auth?: 'delegated' | 'app';
    graph?: { siteId?: string; driveId: string; driveType: string; webUrl?: string; name: string };
    status: DriveStatus;
    statusCause?: DriveStatusCause;
    policies: {
        conflictPolicy: ConflictPolicy;
        syncIntervalMinutes?: number;
        /** Overrides the PlatformScanMinutes property for this drive (engine/platformSide.ts). */
        platformScanMinutes?: number;
    };
    createdAt: string;
    updatedAt: string;
}

/** Something to sign Graph calls with: the connected account, or the application itself (app-only drives). */
export function hasGraphIdentity(drive: Pick<DriveRecord, 'account' | 'auth'>): boolean {
    return !!drive.account || drive.auth === 'app';
}
