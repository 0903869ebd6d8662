import { restStatus } from '../../storage/restError';
import type { TableClient } from '@azure/data-tables';

/**
 * Small JSON documents in Table Storage (one `document` column), read with their ETag so writers can
 * be conditional. The sync engine's cursor, lease, schedule and run rows all use this shape.
 */
export interface Versioned<T> {
    value: T;
    etag: string;
}

interface DocumentRow {
    partitionKey: string;
    rowKey: string;
    document: string;
}

export async function readDocument<T>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
): Promise<Versioned<T> | undefined> {
    try {
        const row = await table.getEntity<DocumentRow>(partitionKey, rowKey);
        return { value: JSON.parse(row.document) as T, etag: row.etag };
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/**
 * Writes a document. `etag` undefined creates (fails 409 if it exists), a string replaces only that
 * version (412 otherwise), '*' replaces whatever is there. Returns the new ETag.
 */
export async function writeDocument<T>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
    value: T,
    etag?: string,
): Promise<string> {
    const row: DocumentRow = { partitionKey, rowKey, document: JSON.stringify(value) };
    const result =
        etag === undefined
            ? await table.createEntity(row)
            : etag === '*'
              ? await table.upsertEntity(row, 'Replace')
              : await table.updateEntity(row, 'Replace', { etag });
    return result.etag ?? '';
}

export async function deleteDocument(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
    etag = '*',
): Promise<void> {
    await table.deleteEntity(partitionKey, rowKey, { etag }).catch((e: unknown) => {
        if (restStatus(e) !== 404) throw e;
    });
}

/**
 * Read-modify-write with optimistic concurrency: `change` gets the current value (or undefined) and
 * returns the next one (or undefined to leave it). Retries when another writer got there first.
 */
export async function updateDocument<T>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
    change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
        const current = await readDocument<T>(table, partitionKey, rowKey);
        const next = change(current?.value);
        if (next === undefined) return current?.value;
        try {
            await writeDocument(table, partitionKey, rowKey, next, current?.etag);
            return next;
        } catch (e) {
            if (attempt >= 8 || ![409, 412].includes(restStatus(e) ?? 0)) throw e;
        }
    }
}
