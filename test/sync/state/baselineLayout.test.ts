import type { TableClient } from '@azure/data-tables';
import type { Services } from '../../../lib/runtime/services';
import type { BaselineEntry } from '../../../lib/sync/plan/types';
import { clearBaseline } from '../../../lib/sync/state/baselineBinding';
import {
    ensureBaselineIndex,
    hasFolderRow,
    indexKey,
    loadBaselineChildren,
    readBaselineCount,
} from '../../../lib/sync/state/baselineIndex';
import { layoutOf, NEW_DRIVE_BUCKETS, readLayout } from '../../../lib/sync/state/baselineLayout';
import { migrateBaselineLayout } from '../../../lib/sync/state/baselineMigration';
import {
    applyBaselineChanges,
    getBaselineEntry,
    loadBaseline,
    loadBaselineRows,
} from '../../../lib/sync/state/baselineStore';
import { tableKey } from '../../../lib/storage/tables';
import { uniqueSuffix } from '../../support/uniqueNames';
import { writeLegacyDrive } from './legacyBaseline';
import { storageServices } from './storageServices';

/**
 * The baseline's partition layout (state/baselineLayout.ts) against Azurite: a new drive's rows are
 * spread over its buckets with each index row beside its item row; a drive stored in the older
 * single-partition layout keeps working as it is, and migrates into buckets, idempotently and
 * resumably (state/baselineMigration.ts).
 */
let services: Services;
let table: TableClient;
beforeAll(async () => {
    services = await storageServices();
    table = await services.tables.get('baselines');
});

const row = (i: number, folder = `Docs ${i % 3}`): BaselineEntry => ({
    remoteId: `01ID!${i}`,
    platformPath: `${folder}/file ${i}.txt`,
    isFolder: false,
    remoteETag: `"e${i}"`,
    remoteSize: i,
    platformSize: i,
});
const folderRow = (name: string): BaselineEntry => ({
    remoteId: `01DIR!${name}`,
    platformPath: name,
    isFolder: true,
    remoteETag: '"f"',
    remoteSize: 0,
    platformSize: 0,
});
const drive = (): BaselineEntry[] => [
    folderRow('Docs 0'),
    folderRow('Docs 1'),
    folderRow('Docs 2'),
    ...Array.from({ length: 240 }, (_, i) => row(i)),
];

/** Every row of a partition: key → remote id. */
async function partitionRows(partitionKey: string): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>();
    for await (const r of table.listEntities<{ rowKey: string; remoteId?: string }>({
        queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
    }))
        out.set(r.rowKey, r.remoteId);
    return out;
}

const byId = (a: BaselineEntry, b: BaselineEntry) => a.remoteId.localeCompare(b.remoteId);

async function expectBucketed(driveId: string, entries: BaselineEntry[]): Promise<void> {
    const { layout, meta } = await readLayout(services, driveId);
    expect(layout.buckets).toBe(NEW_DRIVE_BUCKETS);
    expect(meta?.legacyRowsLeft ?? false).toBe(false);
    // The home partition keeps only the meta row (and the binding, when there is one).
    expect([...(await partitionRows(driveId)).keys()].filter((k) => k !== '$graph')).toEqual(['$meta']);
    let used = 0;
    const seen = new Map<string, string>();
    for (const partition of layout.partitions) {
        const rows = await partitionRows(partition);
        if (rows.size > 0) used++;
        for (const [key, id] of rows) {
            expect(layout.partitionOf(id!)).toBe(partition);
            seen.set(key, id!);
        }
    }
    const expected = new Map<string, string>();
    for (const e of entries) {
        expected.set(tableKey(e.remoteId), e.remoteId);
        expected.set(indexKey(e), e.remoteId);
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
    // Spread, not piled: 243 items over 16 buckets land in every one of them.
    expect(used).toBe(NEW_DRIVE_BUCKETS);
    expect((await loadBaseline(services, driveId)).sort(byId)).toEqual([...entries].sort(byId));
    expect(await readBaselineCount(services, driveId)).toBe(entries.length);
}

describe('baseline layout', () => {
    it('spreads a new drive over its buckets, each index row in its item row’s partition', async () => {
        const driveId = `blay${uniqueSuffix()}`;
        await ensureBaselineIndex(services, driveId, []);
        const entries = drive();
        await applyBaselineChanges(services, driveId, { upsert: entries, remove: [] });
        await expectBucketed(driveId, entries);
        // A folder's children come from every bucket, in index (name) order.
        const children = await loadBaselineChildren(services, driveId, 'docs 1');
        expect(children.map((e) => e.remoteId)).toEqual(
            entries
                .filter((e) => e.platformPath.startsWith('Docs 1/'))
                .sort((a, b) => (indexKey(a) < indexKey(b) ? -1 : 1))
                .map((e) => e.remoteId),
        );
        expect(await getBaselineEntry(services, driveId, row(7).remoteId)).toEqual(row(7));
        const some = await loadBaselineRows(services, driveId, [row(1).remoteId, row(200).remoteId, 'missing']);
        expect([...some.keys()].sort()).toEqual([row(1).remoteId, row(200).remoteId].sort());
        expect(await hasFolderRow(services, driveId, 'DOCS 2')).toBe(true);
        expect(await hasFolderRow(services, driveId, 'Docs 9')).toBe(false);
        // A move and a delete stay inside each item's partition; the count follows.
        await applyBaselineChanges(services, driveId, {
            upsert: [{ ...row(5), platformPath: 'Docs 2/moved.txt' }],
            remove: [row(6).remoteId],
        });
        const after = entries
            .filter((e) => e.remoteId !== row(6).remoteId)
            .map((e) => (e.remoteId === row(5).remoteId ? { ...row(5), platformPath: 'Docs 2/moved.txt' } : e));
        await expectBucketed(driveId, after);
        // Cleared, nothing is left in any partition.
        await clearBaseline(services, driveId);
        for (const partition of [driveId, ...layoutOf(driveId, NEW_DRIVE_BUCKETS).partitions])
            expect((await partitionRows(partition)).size).toBe(0);
    });

    it('keeps a drive stored in one partition working as it is: reads and writes stay in that partition', async () => {
        const driveId = `blay${uniqueSuffix()}`;
        const entries = drive();
        await writeLegacyDrive(table, driveId, entries, { index: true, meta: true });
        expect((await readLayout(services, driveId)).layout.partitions).toEqual([driveId]);
        expect((await loadBaseline(services, driveId)).sort(byId)).toEqual([...entries].sort(byId));
        expect((await loadBaselineChildren(services, driveId, 'docs 0')).length).toBe(80);
        expect(await getBaselineEntry(services, driveId, row(9).remoteId)).toEqual(row(9));
        await applyBaselineChanges(services, driveId, { upsert: [row(500)], remove: [row(1).remoteId] });
        const home = await partitionRows(driveId);
        expect(home.has(indexKey(row(500)))).toBe(true);
        expect(home.has(indexKey(row(1)))).toBe(false);
        expect(await readBaselineCount(services, driveId)).toBe(entries.length);
        for (const partition of layoutOf(driveId, NEW_DRIVE_BUCKETS).partitions)
            expect((await partitionRows(partition)).size).toBe(0);
    });

    it('migrates a single-partition drive into buckets once: the same rows, a complete index, the count', async () => {
        const driveId = `blay${uniqueSuffix()}`;
        const entries = drive();
        await writeLegacyDrive(table, driveId, entries, { index: true, meta: true });
        await table.upsertEntity({ partitionKey: driveId, rowKey: '$graph', graphDriveId: 'b!x' });
        expect(await migrateBaselineLayout(services, driveId)).toBe(entries.length);
        await expectBucketed(driveId, entries);
        expect(await migrateBaselineLayout(services, driveId)).toBe(0);
        await expectBucketed(driveId, entries);
    });

    it('migrates a drive whose index never was (no meta row): the index comes complete', async () => {
        const driveId = `blay${uniqueSuffix()}`;
        const entries = drive();
        await writeLegacyDrive(table, driveId, entries, { index: false, meta: false });
        expect(await readBaselineCount(services, driveId)).toBeUndefined();
        expect(await migrateBaselineLayout(services, driveId)).toBe(entries.length);
        await expectBucketed(driveId, entries);
    });

    it('finishes a migration cut short: stale copies from before are dropped, left-over old rows removed', async () => {
        const driveId = `blay${uniqueSuffix()}`;
        const entries = drive();
        // Killed mid-copy: buckets hold copies of some rows, one of which the old layout has since deleted.
        const target = layoutOf(driveId, NEW_DRIVE_BUCKETS);
        const stale = row(999);
        const partitionKey = target.partitionOf(stale.remoteId);
        await table.upsertEntity({ ...stale, partitionKey, rowKey: tableKey(stale.remoteId) });
        await table.upsertEntity({ ...stale, partitionKey, rowKey: indexKey(stale) });
        await writeLegacyDrive(table, driveId, entries, { index: true, meta: true });
        expect(await migrateBaselineLayout(services, driveId)).toBe(entries.length);
        await expectBucketed(driveId, entries);

        // Killed after the switch, before the old rows went: the next run only clears them.
        const other = `blay${uniqueSuffix()}`;
        await writeLegacyDrive(table, other, entries, { index: true, meta: true });
        await migrateBaselineLayout(services, other);
        await writeLegacyDrive(table, other, entries.slice(0, 50), { index: true, meta: false });
        await table.updateEntity({ partitionKey: other, rowKey: '$meta', legacyRowsLeft: true }, 'Merge');
        expect(await migrateBaselineLayout(services, other)).toBe(0);
        await expectBucketed(other, entries);
    });
});
