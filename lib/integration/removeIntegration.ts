import { restStatus } from '../storage/restError';
import { recordAudit } from '../audit/audit';
import { resolveAlerts } from '../alerts';
import { deleteIntegrationTokenCaches } from '../auth/tokenCache';
import { deleteCredentialSecrets } from '../credentials/removeCredentials';
import type { DriveRecord } from '../drives/driveRecord';
import { listDrives, upsertDrive } from '../drives/driveRepository';
import type { Services } from '../runtime/services';
import { deleteIntegration } from './integrationRepository';
import { DEFAULT_INTEGRATION_ID, requireIntegration } from './integrationSettings';

export interface RemovalResult {
    integrationId: string;
    /** Drives that were disconnected, so the platform can notify their users. */
    disconnectedDrives: { driveId: string; name: string; scope: DriveRecord['scope']; platformUserId?: string }[];
    tokenCachesPurged: number;
    secretDeleted: boolean;
    /** Key Vault secrets of rotated-in credentials (certificates, added secrets), soft-deleted. */
    credentialSecretsDeleted: string[];
}

/**
 * Removes the integration: every drive is disconnected (kept, with its sync state, as
 * `needs_reauth` so a new integration can reconnect it), token caches are purged, the secret is
 * soft-deleted (recoverable for Key Vault's retention period). Files stay in Microsoft 365 and in
 * the platform store. Safe to run twice: a second run finds nothing left to do but the 404.
 */
export async function removeIntegration(
    services: Services,
    actor: string,
    id = DEFAULT_INTEGRATION_ID,
): Promise<RemovalResult> {
    const record = await requireIntegration(services, id);
    const drivesTable = await services.tables.get('drives');
    const drives = await listDrives(drivesTable, id);
    const at = new Date().toISOString();
    for (const drive of drives) {
        // Before the token caches go: deleting a subscription needs the account's token.
        await (await import('../notifications/removeSubscription')).removeDriveSubscription(services, record, drive);
        await upsertDrive(drivesTable, {
            ...drive,
            account: undefined,
            status: 'needs_reauth',
            statusCause: {
                code: 'integration_removed',
                message: 'The SharePoint/OneDrive integration was removed.',
                hint: 'Configure the integration again, then reconnect the drive.',
                at,
            },
            updatedAt: at,
        });
    }
    const tokenCachesPurged = await deleteIntegrationTokenCaches(await services.tables.get('tokenCache'), id);
    let secretDeleted = false;
    if (record.clientSecret) {
        try {
            await services.secrets.beginDeleteSecret(record.clientSecret.secretName);
            secretDeleted = true;
        } catch (e) {
            if (restStatus(e) !== 404) throw e;
        }
    }
    const credentialSecretsDeleted = await deleteCredentialSecrets(services, record);
    await deleteIntegration(await services.tables.get('integrations'), id);
    await resolveAlerts(services, () => true, 'The integration was removed.');
    await recordAudit(await services.tables.get('audit'), {
        actor,
        action: 'integration.remove',
        target: id,
        changed: ['*'],
    });
    return {
        integrationId: id,
        disconnectedDrives: drives.map((d) => ({
            driveId: d.id,
            name: d.name,
            scope: d.scope,
            ...(d.platformUserId ? { platformUserId: d.platformUserId } : {}),
        })),
        tokenCachesPurged,
        secretDeleted,
        credentialSecretsDeleted,
    };
}
