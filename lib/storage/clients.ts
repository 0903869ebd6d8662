import type { TableClient, TableServiceClient } from '@azure/data-tables';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { Config, StorageConfig } from '../config/config';
import { azureCredential } from '../identity/credential';

/**
 * Storage clients built from configuration: a connection string (Azurite, local) or endpoints with the
 * managed identity (Azure, no shared keys). SDKs are imported lazily to keep cold starts small.
 */
export interface StorageClients {
    blob: BlobServiceClient;
    queue: QueueServiceClient;
    tables: TableServiceClient;
    table(name: string): TableClient;
}

export async function createStorageClients(config: Pick<Config, 'storage' | 'credential'>): Promise<StorageClients> {
    const [{ BlobServiceClient }, { QueueServiceClient }, { TableServiceClient, TableClient }] = await Promise.all([
        import('@azure/storage-blob'),
        import('@azure/storage-queue'),
        import('@azure/data-tables'),
    ]);
    const s: StorageConfig = config.storage;
    if (s.kind === 'connectionString') {
        const insecure = {
            allowInsecureConnection: /^DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|=http:\/\//i.test(
                s.connectionString,
            ),
        };
        return {
            blob: BlobServiceClient.fromConnectionString(s.connectionString),
            queue: QueueServiceClient.fromConnectionString(s.connectionString),
            tables: TableServiceClient.fromConnectionString(s.connectionString, insecure),
            table: (name) => TableClient.fromConnectionString(s.connectionString, name, insecure),
        };
    }
    const credential = await azureCredential({
        ...config.credential,
        managedIdentityClientId: s.clientId ?? config.credential.managedIdentityClientId,
    });
    return {
        blob: new BlobServiceClient(s.blobServiceUri, credential),
        queue: new QueueServiceClient(s.queueServiceUri, credential),
        tables: new TableServiceClient(s.tableServiceUri, credential),
        table: (name) => new TableClient(s.tableServiceUri, name, credential),
    };
}
