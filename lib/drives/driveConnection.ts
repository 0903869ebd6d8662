import type { AuthenticationResult } from '@azure/msal-node';
import { accountMismatch } from '../auth/connectionFailures';
import { isExpectedUser } from '../auth/expectedUser';
import type { AuthorizationState } from '../auth/oauthState';
import type { SignInFailure } from '../auth/signInErrors';
import { createGraphClient } from '../graph/graphClient';
import { getDriveById, getMyDrive } from '../graph/driveResources';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import type { DriveRecord, DriveStatus } from './driveRecord';
import { requireDrive, saveDrive } from './driveRepository';
import { accessLostCause } from './driveHealth';
import { graphError } from '../graph/graphError';

/**
 * After a successful sign-in: binds the account to the drive that asked for it. A OneDrive resolves to
 * the account's own drive at once; a SharePoint library keeps its library (a reconnect) if the new
 * account can read it, or waits for the admin to pick one.
 */
export async function bindSignedInAccount(
    services: Services,
    integration: IntegrationRecord,
    request: AuthorizationState,
    result: AuthenticationResult,
): Promise<{ ok: true; status: DriveStatus } | { ok: false; status: DriveStatus; failure: SignInFailure }> {
    if (!request.driveId) return { ok: true, status: 'connected' };
    const table = await services.tables.get('drives');
    const { drive, etag } = await requireDrive(table, integration.id, request.driveId);
    // The callback checks this before storing any token; checked again here so no caller can bind a
    // drive to someone other than the person its connect ticket named.
    if (!isExpectedUser(request.expectedUser, result.account!))
        return { ok: false, status: drive.status, failure: accountMismatch(result.account!.username) };
    const client = await createGraphClient(services, integration, async () => result.accessToken);
    const account = {
        homeAccountId: result.account!.homeAccountId,
        username: result.account!.username,
        displayName: result.account!.name,
    };
    const now = new Date().toISOString();
    let next: DriveRecord;
    try {
        if (drive.kind === 'onedrive') {
            const own = await getMyDrive(client);
            next = {
                ...drive,
                account,
                graph: { driveId: own.id, driveType: own.driveType, webUrl: own.webUrl, name: own.name },
                status: 'connected',
                statusCause: undefined,
            };
        } else if (drive.graph) {
            await getDriveById(client, drive.graph.driveId);
            next = { ...drive, account, status: 'connected', statusCause: undefined };
        } else {
            next = { ...drive, account, status: 'needs_library', statusCause: undefined };
        }
    } catch (e) {
        const failure = graphError(e);
        if (!failure || ![403, 404].includes(failure.status)) throw e;
        const cause = accessLostCause(failure, account.username);
        next = { ...drive, account, status: 'access_lost', statusCause: cause };
        await saveDrive(table, { ...next, updatedAt: now }, etag);
        return { ok: false, status: 'access_lost', failure: cause };
    }
    await saveDrive(table, { ...next, updatedAt: now }, etag);
    // Best effort: a drive without notifications still syncs on its schedule (its record says why).
    if (next.status === 'connected')
        await (
            await import('../notifications/ensureSubscription')
        ).ensureSubscriptionSafely(services, integration, next);
    return { ok: true, status: next.status };
}
