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

/**
 * The baseline's path index: beside each item row (keyed by remote id) a copy keyed
 * `!<folder>$<name>$<id>` (case-folded path keys, storage/pathKeys.ts), so a folder's children are
 * one key range and its subtree two. An incremental run reads the rows around its changes this way
 * (loadBaselineScope), not the whole drive. The meta row says the index is complete for the drive
 * (drives synced before it existed get it from their next full load) and counts the items, which the
 * big-delete guard needs without loading them.
 */
export const ITEM_ROWS_FROM = '-';
const INDEX = '!';
const META = '$meta';

interface MetaRow {
    partitionKey: string;
    rowKey: string;
    count: number;
}

export function indexKey(e: Pick<BaselineEntry, 'platformPath' | 'remoteId'>): string {
    const folded = foldPath(e.platformPath);
    return `${INDEX}${pathKey(parentPath(folded))}$${pathKey(baseName(folded))}$${tableKey(e.remoteId)}`;
}

/** The drive's item count, or undefined while its index is incomplete (then only a full load will do). */
export async function readBaselineCount(services: Services, driveId: string): Promise<number | undefined> {
    const table = await services.tables.get('baselines');
    try {
        return Number((await table.getEntity<MetaRow>(driveId, META)).count);
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/**
 * After a full load: completes the index of a drive synced before it existed (index rows for every
 * item, then the meta row), or corrects the count (a crash between a write and its count).
 */
export async function ensureBaselineIndex(
    services: Services,
    driveId: string,
    entries: readonly BaselineEntry[],
): Promise<void> {
    const count = await readBaselineCount(services, driveId);
    const table = await services.tables.get('baselines');
    if (count === undefined) {
        for (let at = 0; at < entries.length; at += 100) {
            const batch = entries
                .slice(at, at + 100)
                .map((e): TransactionAction => ['upsert', { ...toRow(driveId, e), rowKey: indexKey(e) }, 'Replace']);
            await table.submitTransaction(batch);
        }
    }
    if (count !== entries.length)
        await table.upsertEntity<MetaRow>({ partitionKey: driveId, rowKey: META, count: entries.length }, 'Replace');
}

/** Moves the item count by `delta` (a no-op until the index is complete). */
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
        write: (next, etag) => table.updateEntity(next, 'Replace', { etag }),
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
): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const needs = scopeNeeds(remote, byId, platform);
    const rows = new Map(byId);
    const add = (e: BaselineEntry) => {
        // A row read by id is the item's own: it wins over an index copy.
        if (!rows.has(e.remoteId)) rows.set(e.remoteId, e);
    };
    const ranges: [string, string][] = [];
    for (const folder of needs.folders) ranges.push([`${INDEX}${pathKey(folder)}$`, `${INDEX}${pathKey(folder)}%`]);
    for (const folder of needs.subtrees) ranges.push(...subtreeRanges(INDEX, pathKey(folder)));
    await readRanges(table, driveId, ranges, add);
    // The folders above every row in scope and above each change's new place.
    const dirs = new Set(needs.above);
    for (const e of rows.values())
        if (inScope(e, needs))
            for (let dir = parentPath(foldPath(e.platformPath)); dir !== ''; dir = parentPath(dir)) dirs.add(dir);
    for (const e of rows.values()) if (e.isFolder) dirs.delete(foldPath(e.platformPath));
    await readRanges(
        table,
        driveId,
        [...dirs].map((dir) => [
            `${INDEX}${pathKey(parentPath(dir))}$${pathKey(baseName(dir))}$`,
            `${INDEX}${pathKey(parentPath(dir))}$${pathKey(baseName(dir))}%`,
        ]),
        (e) => e.isFolder && add(e),
    );
    return [...rows.values()];
}

/**
 * The rows of one folder's children (case-folded folder path; '' is the root), through the index:
 * one key range, so a listing run reads the baseline folder by folder (engine/platformDiff.ts).
 */
export async function loadBaselineChildren(
    services: Services,
    driveId: string,
    folder: string,
): Promise<BaselineEntry[]> {
    const table = await services.tables.get('baselines');
    const rows: BaselineEntry[] = [];
    await readRanges(table, driveId, [[`${INDEX}${pathKey(folder)}$`, `${INDEX}${pathKey(folder)}%`]], (e) =>
        rows.push(e),
    );
    return rows;
}

/**
 * Whether the baseline holds a folder at `path` (case-folded comparison; the root always exists). A
 * drive whose index is not complete yet answers true: it cannot tell, and assuming the folder is
 * recorded keeps the behaviour from before the index.
 */
export async function hasFolderRow(services: Services, driveId: string, path: string): Promise<boolean> {
    if (path === '') return true;
    if ((await readBaselineCount(services, driveId)) === undefined) return true;
    const table = await services.tables.get('baselines');
    const dir = foldPath(path);
    let found = false;
    await readRanges(
        table,
        driveId,
        [
            [
                `${INDEX}${pathKey(parentPath(dir))}$${pathKey(baseName(dir))}$`,
                `${INDEX}${pathKey(parentPath(dir))}$${pathKey(baseName(dir))}%`,
            ],
        ],
        (e) => (found ||= e.isFolder),
    );
    return found;
}

async function readRanges(
    table: TableClient,
    driveId: string,
    ranges: readonly [string, string][],
    add: (e: BaselineEntry) => void,
): Promise<void> {
    let next = 0;
    const lane = async () => {
        while (next < ranges.length) {
            const [from, to] = ranges[next++]!;
            for await (const row of table.listEntities<BaselineRow>({
                queryOptions: { filter: odata`PartitionKey eq ${driveId} and RowKey ge ${from} and RowKey lt ${to}` },
            }))
                add(toEntry(row));
        }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
}
