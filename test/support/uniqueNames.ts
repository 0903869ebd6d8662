import { randomBytes } from 'node:crypto';

/** Names that no other suite (or run against the same Azurite) uses: Azurite's tests do the same. */
export function uniqueSuffix(): string {
    return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** App settings for a service instance whose tables, queues and container are its own. */
export function isolatedStorageSettings(): Record<string, string> {
    const s = uniqueSuffix();
    return {
        SyncStorage: azuriteConnectionString(),
        SYNC_QUEUE_NAME: `sync-${s}`,
        TRANSFER_QUEUE_NAME: `transfer-${s}`,
        TABLE_PREFIX: `t${s}`,
        PLATFORM_CONTAINER: `platform-${s}`,
    };
}

export function azuriteConnectionString(): string {
    const cs = process.env.TEST_AZURITE_CONNECTION_STRING;
    if (!cs)
        throw new Error(
            'TEST_AZURITE_CONNECTION_STRING is not set: run tests with npm test (jest globalSetup starts Azurite).',
        );
    return cs;
}
