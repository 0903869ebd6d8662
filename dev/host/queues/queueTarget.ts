import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { resolveBindingExpression, type AppSettings } from '../appSettings';

/** The queue a trigger listens to and its `-poison` companion, both on the trigger's connection. */
export interface QueueTarget {
    name: string;
    queue: QueueClient;
    poison: QueueClient;
}

// The host's default when a trigger names no connection.
const DEFAULT_CONNECTION = 'AzureWebJobsStorage';

export function resolveQueueTarget(
    functionName: string,
    queueName: string,
    connection: string | undefined,
    settings: AppSettings,
): QueueTarget {
    const where = `Queue trigger '${functionName}'`;
    const name = resolveBindingExpression(queueName, settings, where).toLowerCase();
    assertQueueName(`${name}-poison`, where, name);
    const service = QueueServiceClient.fromConnectionString(
        connectionString(connection ?? DEFAULT_CONNECTION, settings, where),
    );
    return { name, queue: service.getQueueClient(name), poison: service.getQueueClient(`${name}-poison`) };
}

/** The host reads `<connection>` or `AzureWebJobs<connection>`; identity-based settings need Azure. */
function connectionString(connection: string, settings: AppSettings, where: string): string {
    const value = settings[connection] || settings[`AzureWebJobs${connection}`];
    if (value) return value;
    if (settings[`${connection}__queueServiceUri`]) {
        throw new Error(
            `${where}: connection '${connection}' is identity-based (${connection}__queueServiceUri); the local host needs a connection string in the app setting '${connection}' (Azurite's locally).`,
        );
    }
    throw new Error(
        `${where}: storage connection '${connection}' does not exist: set the app setting '${connection}' to a connection string (Azurite's locally).`,
    );
}

function assertQueueName(withSuffix: string, where: string, name: string): void {
    // Queue names: 3-63 characters, lowercase letters, digits and single hyphens, not starting or ending with one.
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name) || withSuffix.length > 63) {
        throw new Error(
            `${where}: '${name}' is not a valid queue name (3-56 lowercase letters, digits or single hyphens, leaving room for '-poison').`,
        );
    }
}
