import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from './clients';

/** Every table the service uses; the deployment's TABLE_PREFIX keeps several deployments apart. */
export const TABLES = {
    integrations: 'Integrations',
    properties: 'Properties',
    audit: 'Audit',
    oauthStates: 'OAuthStates',
    tokenCache: 'TokenCache',
    accounts: 'Accounts',
    drives: 'Drives',
    statusCache: 'StatusCache',
    transfers: 'Transfers',
    alerts: 'Alerts',
    throttle: 'Throttle',
    subscriptions: 'Subscriptions',
    baselines: 'Baselines',
    syncState: 'SyncState',
    syncRuns: 'SyncRuns',
    syncOutcomes: 'SyncOutcomes',
    syncDelta: 'SyncDelta',
    syncStaging: 'SyncStaging',
    changes: 'ChangeFeed',
    checkpoints: 'Checkpoints',
} as const;

export type TableKey = keyof typeof TABLES;

/**
 * Opens tables by key, creating each at most once per process (createTable on an existing table is a
 * cheap 409 the SDK swallows, but once is enough).
 */
export class Tables {
    private readonly created = new Map<string, Promise<TableClient>>();

    constructor(
        private readonly storage: StorageClients,
        private readonly prefix: string,
    ) {}

    get(key: TableKey): Promise<TableClient> {
        const name = `${this.prefix}${TABLES[key]}`;
        let table = this.created.get(name);
        if (!table) {
            const client = this.storage.table(name);
            table = client.createTable().then(() => client);
            table.catch(() => this.created.delete(name));
            this.created.set(name, table);
        }
        return table;
    }
}

/** Azure Table keys forbid / \ # ? and control characters; encode anything outside a safe set. */
export function tableKey(value: string): string {
    return value.replace(/[^A-Za-z0-9._@-]/g, (c) => `~${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
