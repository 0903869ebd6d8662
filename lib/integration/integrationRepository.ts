import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import { updateIfUnchanged } from '../storage/conditionalUpdate';
import type { CloudName } from './cloud';
import type { CredentialReference } from '../credentials/credentialModel';
import { corruptRow } from '../dependencies/dependencyFault';
import type { SecretReference } from './clientSecretVault';
import type { IntegrationFault } from './integrationFault';

/** The stored integration settings (one app registration). Secrets live in Key Vault only. */
export interface IntegrationRecord {
    id: string;
    tenantId: string;
    /** The domain the admin typed, when the tenant was given as a domain and resolved to its id. */
    tenantDomain?: string;
    clientId: string;
    cloud: CloudName;
    redirectUri: string;
    scopes: string[];
    /** The secret set with PUT (credential id `initial`); unset once it is retired after a rotation. */
    clientSecret?: SecretReference;
    /** Credentials added through /api/manage/integration/credentials (rotation, certificates, federated). */
    credentials?: CredentialReference[];
    /** Which of `credentials` token requests use; absent = the PUT secret. */
    activeCredentialId?: string;
    /** Set while a configuration fault of a dependency (its credential unreadable in Key Vault…) stops every drive. */
    fault?: IntegrationFault;
    createdAt: string;
    updatedAt: string;
    updatedBy: string;
}

const PARTITION = 'integration';

interface Row {
    partitionKey: string;
    rowKey: string;
    document: string;
}

export async function getIntegration(
    table: TableClient,
    id: string,
): Promise<{ record: IntegrationRecord; etag: string } | undefined> {
    try {
        const row = await table.getEntity<Row>(PARTITION, id);
        return { record: parseRecord(table, row), etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** A row that is not a record any more is named (state_corrupt), never a bare JSON SyntaxError. */
function parseRecord(table: TableClient, row: Row): IntegrationRecord {
    try {
        const record = JSON.parse(row.document) as IntegrationRecord;
        if (typeof record?.id !== 'string' || typeof record.clientId !== 'string')
            throw new Error('not an integration');
        return record;
    } catch (e) {
        throw corruptRow(table.tableName, row.partitionKey, row.rowKey, e);
    }
}

/** Creates or replaces; with an etag the write fails (412) if someone else changed it meanwhile. */
export async function putIntegration(table: TableClient, record: IntegrationRecord, etag?: string): Promise<void> {
    const entity: Row = { partitionKey: PARTITION, rowKey: record.id, document: JSON.stringify(record) };
    if (etag) await table.updateEntity(entity, 'Replace', { etag });
    else await table.createEntity(entity);
}

/**
 * Read-change-write of the integration row (the service's one conditional-update policy): `change`
 * gets a copy of the current record and returns the next one, or undefined to leave it. Resolves to
 * the record as stored afterwards, or undefined when there is no such integration.
 */
export async function updateIntegration(
    table: TableClient,
    id: string,
    change: (record: IntegrationRecord) => IntegrationRecord | undefined,
): Promise<IntegrationRecord | undefined> {
    return updateIfUnchanged<IntegrationRecord, IntegrationRecord | undefined>({
        what: `The integration ${id}`,
        read: async () => {
            const found = await getIntegration(table, id);
            return found && { value: found.record, etag: found.etag };
        },
        change: (current) => {
            const next = current && change(structuredClone(current));
            return next ? { write: next, result: next } : { done: current };
        },
        write: (next, etag) => putIntegration(table, next, etag),
    });
}

export async function deleteIntegration(table: TableClient, id: string): Promise<void> {
    try {
        await table.deleteEntity(PARTITION, id);
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
    }
}

export async function listIntegrations(table: TableClient): Promise<{ record: IntegrationRecord; etag: string }[]> {
    const out: { record: IntegrationRecord; etag: string }[] = [];
    for await (const row of table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) {
        out.push({ record: parseRecord(table, row), etag: row.etag! });
    }
    return out;
}
