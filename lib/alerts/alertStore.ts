import { restStatus } from '../storage/restError';
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { updateIfUnchanged } from '../storage/conditionalUpdate';
import type { AlertRecord } from './alertModel';

/**
 * Alerts in one table: partition `alert` holds the alerts (row key = alert id), partition `dedup`
 * maps a condition's key (hashed: keys may hold characters Table keys forbid) to the alert currently
 * raised for it. Creating the dedup row is the atomic "raise once" step.
 */
const ALERTS = 'alert';
const DEDUP = 'dedup';

interface AlertRow {
    partitionKey: string;
    rowKey: string;
    document: string;
}

export interface DedupRow {
    partitionKey: string;
    rowKey: string;
    alertId: string;
    etag?: string;
}

export function dedupRowKey(key: string): string {
    return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function getAlert(
    table: TableClient,
    id: string,
): Promise<{ alert: AlertRecord; etag: string } | undefined> {
    try {
        const row = await table.getEntity<AlertRow>(ALERTS, id);
        return { alert: JSON.parse(row.document) as AlertRecord, etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/** Creates (no etag) or replaces (with the etag it was read with; 412 if changed meanwhile). */
export async function putAlert(table: TableClient, alert: AlertRecord, etag?: string): Promise<void> {
    const row: AlertRow = { partitionKey: ALERTS, rowKey: alert.id, document: JSON.stringify(alert) };
    if (etag) await table.updateEntity(row, 'Replace', { etag });
    else await table.createEntity(row);
}

export async function listAlertRecords(table: TableClient): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    for await (const row of table.listEntities<AlertRow>({ queryOptions: { filter: `PartitionKey eq '${ALERTS}'` } })) {
        out.push(JSON.parse(row.document) as AlertRecord);
    }
    return out.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || a.id.localeCompare(b.id));
}

export async function getDedup(table: TableClient, key: string): Promise<DedupRow | undefined> {
    try {
        const row = await table.getEntity<DedupRow>(DEDUP, dedupRowKey(key));
        return { partitionKey: row.partitionKey, rowKey: row.rowKey, alertId: row.alertId, etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/**
 * Points the key at a new alert. Returns false when another writer won the race (the key was
 * created, or changed since `previous` was read): the caller then uses that writer's alert.
 */
export async function claimDedup(
    table: TableClient,
    key: string,
    alertId: string,
    previous?: DedupRow,
): Promise<boolean> {
    const row = { partitionKey: DEDUP, rowKey: dedupRowKey(key), alertId };
    try {
        if (previous?.etag) await table.updateEntity(row, 'Replace', { etag: previous.etag });
        else await table.createEntity(row);
        return true;
    } catch (e) {
        if (restStatus(e) === 409 || restStatus(e) === 412) return false;
        throw e;
    }
}

export async function deleteAlert(table: TableClient, id: string): Promise<void> {
    await table.deleteEntity(ALERTS, id).catch((e: unknown) => {
        if (restStatus(e) !== 404) throw e;
    });
}

/**
 * Read-change-write of one alert (the service's one conditional-update policy): `change` gets the
 * alert (undefined when there is none) and says what to write, or that there is nothing to do.
 */
export function updateAlert<R>(
    table: TableClient,
    id: string,
    change: (current: AlertRecord | undefined) => { write: AlertRecord; result: R } | { done: R },
): Promise<R> {
    return updateIfUnchanged({
        what: `The alert ${id}`,
        read: async () => {
            const found = await getAlert(table, id);
            return found && { value: found.alert, etag: found.etag };
        },
        change,
        write: (next, etag) => putAlert(table, next, etag),
    });
}
