import { AccountAuthError, acquireGraphToken } from '../auth/accessToken';
import { createGraphClient, GraphFailure, graphFailure } from '../graph/graphClient';
import { getDriveById } from '../graph/driveResources';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import type { DriveRecord, DriveStatusCause } from './driveRecord';

/** "Unable to connect to SharePoint sites" in the admin guide: the account cannot read the library. */
export function accessLostCause(failure: GraphFailure, username: string): DriveStatusCause {
    return {
        code: 'access_lost',
        message: `${username} cannot reach this library any more (Graph ${failure.statusCode} ${failure.code}).`,
        hint: 'Give the account at least read access to the SharePoint site, or reconnect the drive with an account that has it.',
        at: new Date().toISOString(),
    };
}

/**
 * Checks a drive for real: a silent token for its account, then one cheap Graph read of the drive.
 * Returns the drive with its status and cause updated (the caller saves it).
 */
export async function checkDriveHealth(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<DriveRecord> {
    if (!drive.account || !drive.graph) return drive;
    const at = new Date().toISOString();
    let token: string;
    try {
        token = await acquireGraphToken(services, integration, drive.account.homeAccountId);
    } catch (e) {
        if (e instanceof AccountAuthError && e.needsReauth) {
            return { ...drive, status: 'needs_reauth', statusCause: { ...e.failure, at } };
        }
        throw e;
    }
    try {
        const client = await createGraphClient(services, integration, async () => token);
        await getDriveById(client, drive.graph.driveId);
        return { ...drive, status: 'connected', statusCause: undefined };
    } catch (e) {
        const failure = graphFailure(e);
        if (failure && [403, 404].includes(failure.statusCode))
            return { ...drive, status: 'access_lost', statusCause: accessLostCause(failure, drive.account.username) };
        throw e;
    }
}
