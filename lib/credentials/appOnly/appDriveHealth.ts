import type { DriveRecord } from '../../drives/driveRecord';
import { getDriveById } from '../../graph/driveResources';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import type { Services } from '../../runtime/services';
import { AppAuthError, graphClientForApp } from './appToken';
import { siteGrantHint } from './siteGrantHint';
import { graphError } from '../../graph/graphError';

/**
 * An app-only drive's health: an app token, then one read of the library. Without a Sites.Selected
 * grant on its site Graph answers 403: the drive is `access_lost` with the grant to restore. A refused
 * app credential makes it `needs_reauth` (for an app, "re-auth" is fixing the credential).
 */
export async function checkAppDriveHealth(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<DriveRecord> {
    if (!drive.graph) return drive;
    const at = new Date().toISOString();
    try {
        const client = await graphClientForApp(services, integration);
        await getDriveById(client, drive.graph.driveId);
        return { ...drive, status: 'connected', statusCause: undefined };
    } catch (e) {
        if (e instanceof AppAuthError) return { ...drive, status: 'needs_reauth', statusCause: { ...e.failure, at } };
        const failure = graphError(e);
        if (failure && [401, 403, 404].includes(failure.status)) {
            return {
                ...drive,
                status: 'access_lost',
                statusCause: {
                    code: 'site_not_granted',
                    message: `The application cannot read this library any more (Graph ${failure.status} ${failure.code}): its Sites.Selected grant on the site was removed or never given.`,
                    hint: siteGrantHint(drive.graph.siteId ?? '{siteId}', integration.clientId),
                    at,
                },
            };
        }
        throw e;
    }
}
