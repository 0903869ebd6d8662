import type { Client } from '@microsoft/microsoft-graph-client';
import { AppAuthError, graphClientForApp } from '../credentials/appOnly/appToken';
import { graphClientForAccount, signInFailureIn } from '../graph/graphClient';
import { listSiteDrives, searchSites } from '../graph/driveResources';
import { ApiError } from '../http/apiError';
import { requireIntegration } from '../integration/integrationSettings';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import type { DriveRecord } from './driveRecord';
import { requireDrive } from './driveRepository';
import { graphError } from '../graph/graphError';

/**
 * Site search (no siteId) or a site's document libraries, as the drive sees them: through its
 * connected account, or for an app-only drive with the application's own token (Sites.Selected: only
 * the sites granted to the app answer).
 */
export async function browseSites(
    services: Services,
    siteId: string | undefined,
    query: { driveId: string; search?: string },
): Promise<{ value: unknown[] }> {
    const integration = await requireIntegration(services);
    const { drive } = await requireDrive(await services.tables.get('drives'), integration.id, query.driveId);
    const client = await clientFor(services, integration, drive);
    try {
        if (!siteId) return { value: await searchSites(client, query.search || '*') };
        return { value: (await listSiteDrives(client, siteId)).filter((d) => d.driveType === 'documentLibrary') };
    } catch (e) {
        throw browseError(drive, e);
    }
}

async function clientFor(services: Services, integration: IntegrationRecord, drive: DriveRecord): Promise<Client> {
    if (drive.auth === 'app') return graphClientForApp(services, integration);
    if (!drive.account)
        throw new ApiError(
            409,
            'drive_not_connected',
            'Connect the drive before browsing sites.',
            "Open the drive's connect link first.",
        );
    return graphClientForAccount(services, integration, drive.account.homeAccountId);
}

/** A refused sign-in is the drive's state (reconnect it), not a server failure. */
function browseError(drive: DriveRecord, e: unknown): unknown {
    const appFailure = e instanceof AppAuthError ? e : (e as { customError?: unknown })?.customError;
    if (appFailure instanceof AppAuthError) {
        return new ApiError(409, 'app_sign_in_failed', appFailure.failure.message, appFailure.failure.hint, [
            { field: 'credential', code: appFailure.failure.code, message: appFailure.failure.message },
        ]);
    }
    const signIn = signInFailureIn(e);
    if (signIn) {
        return new ApiError(
            409,
            'drive_needs_reauth',
            `The drive's account cannot sign in: ${signIn.failure.message}`,
            `${signIn.failure.hint} Then reconnect the drive (POST /api/drives/${drive.id}/reconnect) and open the new link.`,
            [{ field: 'account', code: signIn.failure.code, message: signIn.failure.message }],
        );
    }
    const failure = graphError(e);
    if (failure && [403, 404].includes(failure.status)) {
        const who = drive.auth === 'app' ? 'The application' : (drive.account?.username ?? 'The account');
        return new ApiError(
            403,
            'site_not_accessible',
            `${who} cannot reach that site (Graph ${failure.status} ${failure.code}).`,
            drive.auth === 'app'
                ? 'Grant the application access to the site (Sites.Selected permission grant), or pick a granted site.'
                : 'Give the connecting user at least read access to the site.',
        );
    }
    return e;
}
