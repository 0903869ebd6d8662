import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import { tableKey } from '../storage/tables';
import { forgetSubscriptionLookup } from './lookupCache';
import { DriveNotifications, PARTITION, SubscriptionRecord } from './subscriptionRecords';

/** Reads and writes the `sub` and `drive` rows (JSON documents; arrays do not fit table columns). */
interface DocumentRow {
    partitionKey: string;
    rowKey: string;
    document: string;
}

async function read<T>(table: TableClient, partition: string, id: string): Promise<T | undefined> {
    try {
        const row = await table.getEntity<DocumentRow>(partition, tableKey(id));
        return JSON.parse(row.document) as T;
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

async function write(table: TableClient, partition: string, id: string, value: unknown): Promise<void> {
    await table.upsertEntity<DocumentRow>(
        { partitionKey: partition, rowKey: tableKey(id), document: JSON.stringify(value) },
        'Replace',
    );
}

async function remove(table: TableClient, partition: string, id: string): Promise<void> {
    await table.deleteEntity(partition, tableKey(id)).catch((e: unknown) => {
        if (restStatus(e) !== 404) throw e;
    });
}

export const getSubscription = (t: TableClient, id: string) => read<SubscriptionRecord>(t, PARTITION.sub, id);
export async function putSubscription(t: TableClient, s: SubscriptionRecord): Promise<void> {
    await write(t, PARTITION.sub, s.subscriptionId, s);
    forgetSubscriptionLookup(s.subscriptionId);
}

export async function deleteSubscriptionRecord(t: TableClient, id: string): Promise<void> {
    await remove(t, PARTITION.sub, id);
    forgetSubscriptionLookup(id);
}

export const getDriveNotifications = (t: TableClient, driveId: string) =>
    read<DriveNotifications>(t, PARTITION.drive, driveId);
export const putDriveNotifications = (t: TableClient, d: DriveNotifications) => write(t, PARTITION.drive, d.driveId, d);
export const deleteDriveNotifications = (t: TableClient, driveId: string) => remove(t, PARTITION.drive, driveId);

export async function listSubscriptions(table: TableClient): Promise<SubscriptionRecord[]> {
    const out: SubscriptionRecord[] = [];
    for await (const row of table.listEntities<DocumentRow>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION.sub}'` },
    })) {
        out.push(JSON.parse(row.document) as SubscriptionRecord);
    }
    return out;
}

/** Every drive's notification health, in one query (the renewal run and the scheduler read it). */
export async function listDriveNotifications(table: TableClient): Promise<Map<string, DriveNotifications>> {
    const out = new Map<string, DriveNotifications>();
    for await (const row of table.listEntities<DocumentRow>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION.drive}'` },
    })) {
        try {
            const d = JSON.parse(row.document) as DriveNotifications;
            out.set(d.driveId, d);
        } catch {
            // A row that no longer parses counts as unknown: the drive is renewed and scheduled as without one.
        }
    }
    return out;
}
