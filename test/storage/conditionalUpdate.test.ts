import { TableClient } from '@azure/data-tables';
import {
    ConcurrentUpdateError,
    updateIfUnchanged,
    CONDITIONAL_UPDATE_ATTEMPTS,
} from '../../lib/storage/conditionalUpdate';
import { readDocument, writeDocument } from '../../lib/sync/runs/tableDocument';
import { azuriteConnectionString, uniqueSuffix } from '../support/uniqueNames';

/** The service's one read–change–write-if-unchanged loop, against Azurite's real ETags. */
describe('updateIfUnchanged', () => {
    let table: TableClient;
    beforeAll(async () => {
        table = TableClient.fromConnectionString(azuriteConnectionString(), `cu${uniqueSuffix()}`, {
            allowInsecureConnection: true,
        });
        await table.createTable();
    });
    afterAll(() => table.deleteTable());

    const increment = (rowKey: string) =>
        updateIfUnchanged<{ n: number }, number>({
            what: `counter ${rowKey}`,
            read: () => readDocument<{ n: number }>(table, 'p', rowKey),
            change: (current) => ({ write: { n: (current?.n ?? 0) + 1 }, result: (current?.n ?? 0) + 1 }),
            write: (next, etag) => writeDocument(table, 'p', rowKey, next, etag),
        });

    it('loses no update when writers race (creates included)', async () => {
        await Promise.all(Array.from({ length: 6 }, () => increment('race')));
        expect((await readDocument<{ n: number }>(table, 'p', 'race'))?.value.n).toBe(6);
    });

    it('writes nothing when the change says it is done', async () => {
        await writeDocument(table, 'p', 'done', { n: 1 });
        const before = await readDocument(table, 'p', 'done');
        const result = await updateIfUnchanged<{ n: number }, string>({
            what: 'done',
            read: () => readDocument<{ n: number }>(table, 'p', 'done'),
            change: () => ({ done: 'nothing to do' }),
            write: () => Promise.reject(new Error('must not write')),
        });
        expect(result).toBe('nothing to do');
        expect((await readDocument(table, 'p', 'done'))?.etag).toBe(before?.etag);
    });

    it('fails loudly, never silently, when another writer always gets there first', async () => {
        await writeDocument(table, 'p', 'busy', { n: 0 });
        let writes = 0;
        const attempt = updateIfUnchanged<{ n: number }, number>({
            what: 'The busy row',
            read: () => readDocument<{ n: number }>(table, 'p', 'busy'),
            change: (current) => ({ write: { n: (current?.n ?? 0) + 1 }, result: 0 }),
            write: async (next, etag) => {
                writes++;
                await writeDocument(table, 'p', 'busy', { n: -1 }, '*'); // someone else, between our read and write
                await writeDocument(table, 'p', 'busy', next, etag);
            },
        });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
        await expect(attempt).rejects.toThrow(
            `The busy row kept changing under ${CONDITIONAL_UPDATE_ATTEMPTS} write attempts.`,
        );
        expect(writes).toBe(CONDITIONAL_UPDATE_ATTEMPTS);
    });

    it('passes on failures that are not a lost race', async () => {
        const refused = Object.assign(new Error('forbidden'), { name: 'RestError', statusCode: 403 });
        await expect(
            updateIfUnchanged({
                what: 'x',
                read: async () => undefined,
                change: () => ({ write: 1, result: 1 }),
                write: () => Promise.reject(refused),
            }),
        ).rejects.toBe(refused);
    });
});
