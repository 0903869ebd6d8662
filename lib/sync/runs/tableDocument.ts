import { restStatus } from '../../storage/restError';
import type { TableClient } from '@azure/data-tables';
import { updateIfUnchanged, type Versioned } from '../../storage/conditionalUpdate';

/**
 * Small JSON documents in Table Storage (one `document` column), read with their ETag so writers can
 * be conditional. The sync engine's cursor, lease, schedule and run rows all use this shape.
 */
export type { Versioned } from '../../storage/conditionalUpdate';

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
 * Read-modify-write of a document: `change` gets the current value (or undefined) and returns the next
 * one (or undefined to leave it). Retried by the service's one conditional-update policy.
 */
export async function updateDocument<T>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
    change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
    return updateIfUnchanged<T, T | undefined>({
        what: `Document ${partitionKey}/${rowKey}`,
        read: () => readDocument<T>(table, partitionKey, rowKey),
        change: (current) => {
            const next = change(current);
            return next === undefined ? { done: current } : { write: next, result: next };
        },
        write: (next, etag) => writeDocument(table, partitionKey, rowKey, next, etag),
    });
}
