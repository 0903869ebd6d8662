import { graphClientForAccount, graphFailure } from '../graph/graphClient';
import { listSiteDrives, searchSites } from '../graph/driveResources';
import { ApiError } from '../http/apiError';
import { requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import { requireDrive } from './driveRepository';

/** Site search (no siteId) or a site's document libraries, through the drive's connected account. */
export async function browseSites(
    services: Services,
    siteId: string | undefined,
    query: { driveId: string; search?: string },
): Promise<{ value: unknown[] }> {
    const integration = await requireIntegration(services);
    const { driveId } = query;
    const { drive } = await requireDrive(await services.tables.get('drives'), integration.id, driveId);
    if (!drive.account)
        throw new ApiError(
            409,
            'drive_not_connected',
            'Connect the drive before browsing sites.',
            "Open the drive's connect link first.",
        );
    const client = await graphClientForAccount(services, integration, drive.account.homeAccountId);
    try {
        if (!siteId) return { value: await searchSites(client, query.search || '*') };
        return { value: (await listSiteDrives(client, siteId)).filter((d) => d.driveType === 'documentLibrary') };
    } catch (e) {
        const failure = graphFailure(e);
        if (failure && [403, 404].includes(failure.statusCode)) {
            throw new ApiError(
                403,
                'site_not_accessible',
                `${drive.account.username} cannot reach that site (Graph ${failure.statusCode} ${failure.code}).`,
                'Give the connecting user at least read access to the site.',
            );
        }
        throw e;
    }
}
