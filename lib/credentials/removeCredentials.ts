import { restStatus } from '../storage/restError';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { isStored } from './credentialModel';

/**
 * For removing an integration: soft-deletes the Key Vault secret of every added credential (the
 * initial secret is removeIntegration's own business). Recoverable for the vault's retention period.
 */
export async function deleteCredentialSecrets(services: Services, record: IntegrationRecord): Promise<string[]> {
    const deleted: string[] = [];
    for (const c of record.credentials ?? []) {
        if (!isStored(c) || c.state === 'retired') continue;
        try {
            await services.secrets.beginDeleteSecret(c.secretName);
            deleted.push(c.secretName);
        } catch (e) {
            if (restStatus(e) !== 404) throw e;
        }
    }
    return deleted;
}
