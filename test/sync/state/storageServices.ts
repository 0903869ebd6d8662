import { loadConfig } from '../../../lib/config/config';
import type { Services } from '../../../lib/runtime/services';
import { createStorageClients } from '../../../lib/storage/clients';
import { Tables } from '../../../lib/storage/tables';
import { isolatedStorageSettings } from '../../support/uniqueNames';

/**
 * Services over the shared Azurite with this suite's own tables, queues and container, for tests
 * that need storage only (no Key Vault, no host): the secrets client is never touched by them.
 */
export async function storageServices(): Promise<Services> {
    const config = loadConfig({
        ...isolatedStorageSettings(),
        KEY_VAULT_URL: 'https://vault.invalid',
        PUBLIC_BASE_URL: 'http://localhost:7071',
        AZURE_CREDENTIAL: 'dev',
    });
    const storage = await createStorageClients(config);
    return {
        config,
        storage,
        tables: new Tables(storage, config.tablePrefix),
        secrets: undefined as unknown as Services['secrets'],
    };
}
