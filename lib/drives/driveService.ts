import { randomBytes } from 'node:crypto';
import { expectedUserOfAccount, loginHintFor, parseExpectedUser, type ExpectedUser } from '../auth/expectedUser';
import { createConnectTicket } from '../auth/oauthState';
import { isAllowedReturnUrl } from '../auth/returnUrl';
import { graphClientForAccount } from '../graph/graphClient';
import { getDriveById } from '../graph/driveResources';
import { ApiError } from '../http/apiError';
import { requireIntegration } from '../integration/integrationSettings';
import type { IntegrationRecord } from '../integration/integrationRepository';
import { readProperties } from '../properties/properties';
import type { Services } from '../runtime/services';
import { refreshDriveHealth } from './driveHealth';
import type { DriveRecord } from './driveRecord';
import { deleteDriveRecord, listDrives, requireDrive, saveDrive } from './driveRepository';
import type { AddDriveInput, UpdateDriveInput } from './driveSchemas';
import { graphError } from '../graph/graphError';

export interface ConnectLink {
    connectUrl: string;
    connectExpiresAt: string;
}

/** Adds a drive in `pending_connection` and returns the single-use link that connects it. */
export async function addDrive(
    services: Services,
    input: AddDriveInput,
): Promise<{ drive: DriveRecord } & ConnectLink> {
    const integration = await requireIntegration(services);
    // Everything is validated before the drive is stored: a refused request leaves nothing behind.
    checkReturnUrl(services, input.returnUrl);
    const { properties } = await readProperties(await services.tables.get('properties'));
    if (input.scope === 'personal' && !properties.AllowPersonalConnections) {
        throw new ApiError(
            403,
            'personal_connections_disabled',
            'Personal connections are turned off.',
            'Set AllowPersonalConnections to true with PATCH /api/manage/properties.',
        );
    }
    const now = new Date().toISOString();
    const drive: DriveRecord = {
        id: `drv_${randomBytes(9).toString('base64url')}`,
        integrationId: integration.id,
        name: input.name,
        kind: input.kind,
        scope: input.scope,
        ...(input.platformUserId ? { platformUserId: input.platformUserId } : {}),
        status: 'pending_connection',
        policies: {
            conflictPolicy: input.conflictPolicy ?? properties.DefaultConflictPolicy,
            ...(input.syncIntervalMinutes ? { syncIntervalMinutes: input.syncIntervalMinutes } : {}),
            ...(input.platformScanMinutes !== undefined ? { platformScanMinutes: input.platformScanMinutes } : {}),
        },
        createdAt: now,
        updatedAt: now,
    };
    await saveDrive(await services.tables.get('drives'), drive);
    const expected = input.expectedUser ? parseExpectedUser(input.expectedUser) : undefined;
    return { drive, ...(await connectLink(services, integration, drive, input.returnUrl, expected)) };
}

/**
 * A new connect link for an existing drive: same drive, same sync state, possibly another account.
 * A personal drive stays its person's: unless the platform names someone else, only the account it
 * is connected with may sign in again.
 */
export async function reconnectDrive(
    services: Services,
    driveId: string,
    returnUrl?: string,
    expectedUser?: string,
): Promise<ConnectLink> {
    const integration = await requireIntegration(services);
    const { drive } = await requireDrive(await services.tables.get('drives'), integration.id, driveId);
    const expected = expectedUser
        ? parseExpectedUser(expectedUser)
        : drive.scope === 'personal' && drive.account
          ? expectedUserOfAccount(drive.account)
          : undefined;
    if (drive.scope === 'personal' && !expected) {
        throw new ApiError(
            400,
            'validation_failed',
            'A personal drive needs the Microsoft account of the person it belongs to.',
            'Send expectedUser (their Entra object id or UPN): only they may connect it.',
            [{ field: 'expectedUser', code: 'expected_user_required', message: 'Required for a personal drive.' }],
        );
    }
    return connectLink(services, integration, drive, returnUrl, expected);
}

function checkReturnUrl(services: Services, returnUrl: string | undefined): void {
    if (returnUrl === undefined || isAllowedReturnUrl(returnUrl, services.config.platformAllowedOrigins)) return;
    throw new ApiError(
        400,
        'validation_failed',
        'The return URL is not on an allowed platform origin.',
        'Add the platform origin to PLATFORM_ALLOWED_ORIGINS, or use a return URL on it.',
        [{ field: 'returnUrl', code: 'return_url_not_allowed', message: 'Not on an allowed origin.' }],
    );
}

async function connectLink(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
    returnUrl?: string,
    expectedUser?: ExpectedUser,
): Promise<ConnectLink> {
    checkReturnUrl(services, returnUrl);
    const { ticket, expiresAt } = await createConnectTicket(await services.tables.get('oauthStates'), {
        integrationId: integration.id,
        purpose: 'drive',
        driveId: drive.id,
        ...(drive.platformUserId ? { platformUserId: drive.platformUserId } : {}),
        ...(returnUrl ? { returnUrl } : {}),
        ...(expectedUser ? { expectedUser } : {}),
        ...connectHint(drive, expectedUser),
    });
    return {
        connectUrl: `${services.config.publicBaseUrl}/oauth2/sharepoint/connect?ticket=${encodeURIComponent(ticket)}`,
        connectExpiresAt: expiresAt,
    };
}

/** login_hint: the expected UPN, else (a reconnect by the same person) the connected account's. */
function connectHint(drive: DriveRecord, expectedUser?: ExpectedUser): { loginHint?: string } {
    const sameAccount =
        drive.account && expectedUser?.oid && expectedUserOfAccount(drive.account).oid === expectedUser.oid;
    const loginHint = loginHintFor(expectedUser, sameAccount ? drive.account!.username : undefined);
    return loginHint ? { loginHint } : {};
}

export async function listAllDrives(services: Services): Promise<DriveRecord[]> {
    const integration = await requireIntegration(services);
    return listDrives(await services.tables.get('drives'), integration.id);
}

/**
 * One drive; with `refresh`, its health is checked live (token + Graph read) and saved. Dependency
 * faults on the way are reported as the drive's state, or as a 503 with a hint (driveHealth.ts).
 */
export async function getDriveChecked(services: Services, driveId: string, refresh: boolean): Promise<DriveRecord> {
    const integration = await requireIntegration(services);
    const table = await services.tables.get('drives');
    const { drive, etag } = await requireDrive(table, integration.id, driveId);
    if (!refresh) return drive;
    return refreshDriveHealth(services, integration, drive, etag);
}

/** Renames, changes policies, or selects the SharePoint library (verified readable by the drive's account). */
export async function updateDrive(services: Services, driveId: string, input: UpdateDriveInput): Promise<DriveRecord> {
    const integration = await requireIntegration(services);
    const table = await services.tables.get('drives');
    const { drive, etag } = await requireDrive(table, integration.id, driveId);
    const { platformScanMinutes: _previous, ...policies } = drive.policies;
    // null returns the drive to the PlatformScanMinutes property; absent keeps what it had.
    const scanMinutes = input.platformScanMinutes === undefined ? _previous : (input.platformScanMinutes ?? undefined);
    const next: DriveRecord = {
        ...drive,
        name: input.name ?? drive.name,
        policies: {
            ...policies,
            ...(input.conflictPolicy ? { conflictPolicy: input.conflictPolicy } : {}),
            ...(input.syncIntervalMinutes ? { syncIntervalMinutes: input.syncIntervalMinutes } : {}),
            ...(scanMinutes !== undefined ? { platformScanMinutes: scanMinutes } : {}),
        },
        updatedAt: new Date().toISOString(),
    };
    if (input.graphDriveId)
        Object.assign(next, await selectLibrary(services, integration, drive, input.graphDriveId, input.siteId));
    await saveDrive(table, next, etag);
    if (input.graphDriveId && next.status === 'connected')
        await (
            await import('../notifications/ensureSubscription')
        ).ensureSubscriptionSafely(services, integration, next);
    return next;
}

async function selectLibrary(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
    graphDriveId: string,
    siteId?: string,
): Promise<Partial<DriveRecord>> {
    if (drive.kind !== 'sharepoint')
        throw new ApiError(
            409,
            'not_a_library_drive',
            "Only SharePoint drives choose a library; a OneDrive is the account's own.",
            'Add a SharePoint drive instead.',
        );
    if (!drive.account)
        throw new ApiError(
            409,
            'drive_not_connected',
            'Connect the drive before choosing its library.',
            'Open the connect link returned when the drive was added, or POST /api/drives/{id}/reconnect.',
        );
    const client = await graphClientForAccount(services, integration, drive.account.homeAccountId);
    try {
        const library = await getDriveById(client, graphDriveId);
        if (library.driveType !== 'documentLibrary') {
            throw new ApiError(
                400,
                'validation_failed',
                `That drive is a ${library.driveType} drive, not a document library.`,
                "List the site's libraries with GET /api/manage/sites/{siteId}/drives.",
                [{ field: 'graphDriveId', code: 'not_a_document_library', message: 'Not a document library.' }],
            );
        }
        return {
            graph: {
                siteId,
                driveId: library.id,
                driveType: library.driveType,
                webUrl: library.webUrl,
                name: library.name,
            },
            status: 'connected',
            statusCause: undefined,
        };
    } catch (e) {
        const failure = graphError(e);
        if (failure && [403, 404].includes(failure.status)) {
            throw new ApiError(
                403,
                'library_not_accessible',
                `${drive.account.username} cannot read that library (Graph ${failure.status} ${failure.code}).`,
                'Unable to connect to SharePoint sites: give the connecting user at least read access to the site, or reconnect with another account.',
            );
        }
        throw e;
    }
}

/**
 * Removes the drive from the service; its files stay in Microsoft 365 and in the platform store. Its
 * sync state (baseline, cursor, journals, runs, change feed…) is purged later, in chunks, by the
 * maintenance timer (purgeDrive.ts): a million-item baseline is too much for one request. The pending
 * purge is recorded first, so a removal that dies half way still ends purged; then the drive's sync
 * lease is seized, so a run in progress stops writing at its next checkpoint.
 */
export async function removeDrive(
    services: Services,
    driveId: string,
    actor = 'function-key',
): Promise<{ driveId: string; removed: true }> {
    const integration = await requireIntegration(services);
    const table = await services.tables.get('drives');
    const { drive } = await requireDrive(table, integration.id, driveId);
    const [{ recordPendingPurge }, { PURGE_GRACE_MS, resolveRemovedDriveAlerts }, { seizeLease }] = await Promise.all([
        import('./pendingPurges'),
        import('./purgeDrive'),
        import('../sync/engine/lease'),
    ]);
    const removedAt = new Date();
    await recordPendingPurge(services, {
        driveId,
        integrationId: integration.id,
        ...(drive.account ? { homeAccountId: drive.account.homeAccountId } : {}),
        removedAt: removedAt.toISOString(),
    });
    await seizeLease(services, driveId, 'drive-removed', removedAt.getTime() + PURGE_GRACE_MS);
    await (await import('../notifications/removeSubscription')).removeDriveSubscription(services, integration, drive);
    await deleteDriveRecord(table, integration.id, driveId);
    // Its account's tokens go too, unless another drive still uses that account.
    if (drive.account)
        await (
            await import('../auth/tokenCache/releaseAccount')
        ).releaseAccountIfUnused(services, integration.id, drive.account.homeAccountId);
    // Now (best effort) rather than only at the purge: an admin no longer sees alerts about a drive that is gone.
    await resolveRemovedDriveAlerts(services, driveId).catch(() => undefined);
    await (
        await import('../audit/audit')
    ).recordAudit(await services.tables.get('audit'), {
        actor,
        action: 'drive.remove',
        target: driveId,
        changed: ['*'],
    });
    return { driveId, removed: true };
}

export type DriveWithSync = DriveRecord & { sync: import('../sync/engine/driveSyncStatus').DriveSyncStatus };

/**
 * Drives with how each is doing (last run, current run, next scheduled run): one query of the
 * schedule partition for all of them, plus the properties row for the default interval.
 */
export async function withSyncStatus(services: Services, drives: DriveRecord[]): Promise<DriveWithSync[]> {
    const [{ driveSyncStatus, completeLastRun }, { readSchedule, readScheduleEntry }] = await Promise.all([
        import('../sync/engine/driveSyncStatus'),
        import('../sync/engine/schedule'),
    ]);
    const [schedule, { properties }] = await Promise.all([
        drives.length === 1
            ? readScheduleEntry(services, drives[0]!.id).then((e) => new Map(e ? [[drives[0]!.id, e]] : []))
            : readSchedule(services),
        readProperties(await services.tables.get('properties')),
    ]);
    const now = Date.now();
    return Promise.all(
        drives.map(async (drive) => {
            const sync = driveSyncStatus(drive, schedule.get(drive.id), properties.SyncIntervalMinutes, now);
            await completeLastRun(services, drive.id, sync);
            return { ...drive, sync };
        }),
    );
}
