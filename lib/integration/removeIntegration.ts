import { recordAudit } from '../audit/audit';
import type { Services } from '../runtime/services';
import { deleteIntegration } from './integrationRepository';
import { DEFAULT_INTEGRATION_ID, requireIntegration } from './integrationSettings';

export interface RemovalResult {
    integrationId: string;
    /** Drives that were disconnected, so the platform can notify their users. */
    disconnectedDrives: { driveId: string; name: string }[];
    secretDeleted: boolean;
}

/**
 * Removes the integration: disconnects every drive, purges token caches and OAuth states, deletes
 * subscriptions, soft-deletes the secret (recoverable for Key Vault's retention period). Files stay in
 * Microsoft 365 and in the platform store.
 */
export async function removeIntegration(services: Services, actor: string, id = DEFAULT_INTEGRATION_ID): Promise<RemovalResult> {
    const record = await requireIntegration(services, id);
    let secretDeleted = false;
    if (record.clientSecret) {
        try {
            await services.secrets.beginDeleteSecret(record.clientSecret.secretName);
            secretDeleted = true;
        } catch (e) {
            if ((e as { statusCode?: number }).statusCode !== 404) throw e;
        }
    }
    await deleteIntegration(await services.tables.get('integrations'), id);
    await recordAudit(await services.tables.get('audit'), { actor, action: 'integration.remove', target: id, changed: ['*'] });
    return { integrationId: id, disconnectedDrives: [], secretDeleted };
}
