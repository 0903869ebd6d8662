import { restStatus } from '../../storage/restError';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { pathKey, subtreeRanges } from '../../storage/pathKeys';
import { tableKey } from '../../storage/tables';
import { baseName, foldPath, parentPath } from '../plan/paths';
import type { PlatformChanges } from '../plan/platformChanges';
import { inScope, scopeNeeds } from '../plan/scope';
import type { BaselineEntry, RemoteEntry } from '../plan/types';
import { toEntry, toRow, type BaselineRow } from './baselineRows';
import { updateIfUnchanged } from '../../storage/conditionalUpdate';
import { forEachLimited, INDEX, META, readLayout, readMeta, type BaselineLayout, type MetaRow } from './baselineLayout';

/**
 * The baseline's path index: beside each item row (keyed by remote id) a copy keyed
 * `!<folder>$<name>$<id>` (case-folded path keys, storage/pathKeys.ts), in the item's own partition
 * (baselineLayout.ts), so a folder's children are one key range in each of the drive's partitions and
 * its subtree two. An incremental run reads the rows around its changes this way (loadBaselineScope),
 * not the whole drive; the ranges are read in every partition at once. The meta row says the index is
 * complete for the drive (drives synced before it existed get it from their next full load), counts
 * the items, which the big-delete guard needs without loading them, and records the layout.
 */
export { ITEM_ROWS_FROM } from './baselineLayout';

export function indexKey(e: Pick<BaselineEntry, 'platformPath' | 'remoteId'>): string {
    const folded = foldPath(e.platformPath);
    return `${INDEX}${pathKey(parentPath(folded))}$${pathKey(baseName(folded))}$${tableKey(e.remoteId)}`;
}

/** The drive's item count, or undefined while its index is incomplete (then only a full load will do). */
export async function readBaselineCount(services: Services, driveId: string): Promise<number | undefined> {
    const meta = await readMeta(await services.tables.get('baselines'), driveId);
    return meta ? Number(meta.count) : undefined;
}

/**
 * After a full load: completes the index of a drive synced before it existed (index rows for every
 * item, then the meta row), or corrects the count (a crash between a write and its count). A drive
 * without a meta row gets its layout recorded here (a new drive: before its first row is written).
 */
export async function ensureBaselineIndex(
    services: Services,
    driveId: string,
    entries: readonly BaselineEntry[],
): Promise<void> {
    const { layout, meta } = await readLayout(services, driveId);
    const table = await services.tables.get('baselines');
    // Bucketed drives were only ever written with their index rows; older ones may lack them.
    if (!meta && layout.buckets === 1) {
        for (let at = 0; at < entries.length; at += 100) {
            const batch = entries
                .slice(at, at + 100)
                .map((e): TransactionAction => ['upsert', { ...toRow(driveId, e), rowKey: indexKey(e) }, 'Replace']);
            await table.submitTransaction(batch);
        }
    }
    if (!meta) await table.upsertEntity<MetaRow>(metaRow(driveId, entries.length, layout), 'Replace');
    else if (Number(meta.count) !== entries.length)
        await table.updateEntity({ partitionKey: driveId, rowKey: META, count: entries.length }, 'Merge');
}

function metaRow(driveId: string, count: number, layout: BaselineLayout): MetaRow {
    return { partitionKey: driveId, rowKey: META, count, buckets: layout.buckets };
}

/** Moves the item count by `delta` (a no-op until the index is complete). Merge: the layout fields stay. */
export async function adjustCount(table: TableClient, driveId: string, delta: number): Promise<void> {
    await updateIfUnchanged<MetaRow, void>({
        what: `The baseline item count of drive ${driveId}`,
        read: async () => {
            try {
                const meta = await table.getEntity<MetaRow>(driveId, META);
                return { value: meta, etag: meta.etag };
            } catch (e) {
                if (restStatus(e) === 404) return undefined;
                throw e;
            }
        },
        change: (meta) =>
            meta
                ? {
                      write: { partitionKey: driveId, rowKey: META, count: Math.max(0, Number(meta.count) + delta) },
                      result: undefined,
                  }
                : { done: undefined },
        write: (next, etag) => table.updateEntity(next, 'Merge', { etag }),
    });
}

/**
 * The rows an incremental run's changes can touch (plan/scope.ts), read through the index: rows by id
 * (`byId`, which the caller loaded for delta's ids and parents), the children of each affected folder,
 * the subtrees of folders that moved, and the folders above all of them. A superset of what
 * scopeToChanges keeps from the whole baseline, so the plan is the same.
 */
export async function loadBaselineScope(
    services: Services,
    driveId: string,
    remote: readonly RemoteEntry[],
    byId: ReadonlyMap<string, BaselineEntry>,
    platform?: PlatformChanges,
    /** Folders' children this run already read through the index (a listing run's walk): not read again. */
    readFolders?: ReadonlyMap<string, readonly BaselineEntry[]>,
): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const { layout } = await readLayout(services, driveId);
    const needs = scopeNeeds(remote, byId, platform);
    const rows = new Map(byId);
    const add = (e: BaselineEntry) => {
        // A row read by id is the item's own: it wins over an index copy.
        if (!rows.has(e.remoteId)) rows.set(e.remoteId, e);
    };
    const ranges: [string, string][] = [];
    for (const folder of needs.folders) {
        const read = readFolders?.get(folder);
        if (read) read.forEach(add);
        else ranges.push(childrenRange(folder));
    }
    for (const folder of needs.subtrees) ranges.push(...subtreeRanges(INDEX, pathKey(folder)));
    await readRanges(table, layout, ranges, add);
    // The folders above every row in scope and above each change's new place.
    const dirs = new Set(needs.above);
    for (const e of rows.values())
        if (inScope(e, needs))
            for (let dir = parentPath(foldPath(e.platformPath)); dir !== ''; dir = parentPath(dir)) dirs.add(dir);
    for (const e of rows.values()) if (e.isFolder) dirs.delete(foldPath(e.platformPath));
    await readRanges(table, layout, [...dirs].map(ownRange), (e) => e.isFolder && add(e));
    return [...rows.values()];
}

/**
 * The rows of one folder's children (case-folded folder path; '' is the root), through the index:
 * one key range in each partition, so a listing run reads the baseline folder by folder
 * (engine/platformDiff.ts), which resolves the layout once and passes it. In index order (by name),
 * as one partition returned them.
 */
export async function loadBaselineChildren(
    services: Services,
    driveId: string,
    folder: string,
    layout?: BaselineLayout,
): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const rows: { key: string; entry: BaselineEntry }[] = [];
    await readRanges(
        table,
        layout ?? (await readLayout(services, driveId)).layout,
        [childrenRange(folder)],
        (entry, key) => rows.push({ key, entry }),
    );
    return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.entry);
}

/**
 * Whether the baseline holds a folder at `path` (case-folded comparison; the root always exists). A
 * drive whose index is not complete yet answers true: it cannot tell, and assuming the folder is
 * recorded keeps the behaviour from before the index.
 */
export async function hasFolderRow(services: Services, driveId: string, path: string): Promise<boolean> {
    if (path === '') return true;
    const { layout, meta } = await readLayout(services, driveId);
    if (!meta) return true;
    const table = await services.tables.get('baselines');
    let found = false;
    await readRanges(table, layout, [ownRange(foldPath(path))], (e) => (found ||= e.isFolder));
    return found;
}

/** The index range of a folder's children. */
function childrenRange(folder: string): [string, string] {
    return [`${INDEX}${pathKey(folder)}$`, `${INDEX}${pathKey(folder)}%`];
}

/** The index range of the rows at one (case-folded) path: a folder's own row, among its parent's children. */
function ownRange(path: string): [string, string] {
    const at = `${INDEX}${pathKey(parentPath(path))}$${pathKey(baseName(path))}`;
    return [`${at}$`, `${at}%`];
}

/** Queries at once: each is one range of one partition, mostly waiting on the network. */
const LANES = 8;

/** Every range in every partition of the layout (an item's index row is in its own bucket). */
async function readRanges(
    table: TableClient,
    layout: BaselineLayout,
    ranges: readonly [string, string][],
    add: (e: BaselineEntry, rowKey: string) => void,
): Promise<void> {
    const queries = ranges.flatMap((range) => layout.partitions.map((partition) => ({ partition, range })));
    await forEachLimited(queries, LANES, async ({ partition, range: [from, to] }) => {
        for await (const row of table.listEntities<BaselineRow>({
            queryOptions: { filter: odata`PartitionKey eq ${partition} and RowKey ge ${from} and RowKey lt ${to}` },
        }))
            add(toEntry(row), row.rowKey);
    });
}
