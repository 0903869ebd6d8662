import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { fromColumns, type PackedColumns, ROW_CHARS, toColumns } from '../../storage/packedText';
import { deletePartition } from '../../storage/partitions';
import { pathKey, subtreeRanges } from '../../storage/pathKeys';
import { groupOf, type GroupSource, type ItemGroup } from '../plan/batches';
import type { BaselineEntry, PlatformEntry, RemoteEntry } from '../plan/types';

/**
 * The first sync's external sort: both sides' entries, written as they are read (delta pages from
 * the journal, blob listing pages), come back grouped by the folder that holds them, each folder's
 * group before the groups below it. Table Storage keeps a partition's rows sorted by RowKey, so the
 * RowKey is the folder's case-folded path as a path key (storage/pathKeys.ts): a folder's rows
 * (`<path>$<seq>`) sort before the rows below it (`<path>|…`), and a subtree is two key ranges.
 * Entries are packed (a row per group and flush, JSON in columns), so a drive whose folders hold many
 * files costs few rows. One partition per drive, cleared when a first sync starts; only the lease
 * holder writes it. A resumed first sync stages the drive's rows as a third side (`b`), each in the
 * group of its platform path, and a listed item that has a row in its row's group (plan/batches.ts).
 */
type StagingRow = { partitionKey: string; rowKey: string; g: string } & PackedColumns;
type Packed = { r: RemoteEntry[]; p: PlatformEntry[]; b?: BaselineEntry[] };

/** Keys past this length (deeper than any SharePoint path allows) go to a side partition, ordered by depth. */
const MAX_KEY = 500;
/** Characters buffered across groups before they are written. */
const FLUSH_CHARS = 1_000_000;
const ROWS_PER_READ = 8;

const partitionOf = (driveId: string): string => `${driveId}.first`;
const longPartitionOf = (driveId: string): string => `${driveId}.long`;

/** The staging key of a folder (storage/pathKeys.ts). */
export const stagingKey = pathKey;

export class StagingWriter {
    private readonly buffered = new Map<string, Packed>();
    private chars = 0;
    private seq = 0;
    staged = 0;

    private constructor(
        private readonly table: TableClient,
        private readonly driveId: string,
        private readonly flushChars: number,
    ) {}

    /** A writer on an empty staging partition (what an earlier, interrupted first sync left is dropped). */
    static async open(
        services: Services,
        driveId: string,
        options: { flushChars?: number } = {},
    ): Promise<StagingWriter> {
        const table = await services.tables.get('syncStaging');
        await dropStaging(services, driveId);
        return new StagingWriter(table, driveId, options.flushChars ?? FLUSH_CHARS);
    }

    /**
     * Buffers an entry; true when the buffer is due to be written (`flush`). Synchronous: a first sync
     * adds every item of the drive, and an await per item cost a promise and a frame each.
     */
    addRemote(entry: RemoteEntry, group = groupOf(entry.path)): boolean {
        this.group(group).r.push(entry);
        return this.added(entry);
    }

    addPlatform(entry: PlatformEntry): boolean {
        this.group(groupOf(entry.path)).p.push(entry);
        return this.added(entry);
    }

    /** A baseline row (a resumed first sync), in the group of its platform path. */
    addBaseline(row: BaselineEntry): boolean {
        (this.group(groupOf(row.platformPath)).b ??= []).push(row);
        return this.added(row);
    }

    /** Writes what is buffered; call once every entry was added. */
    async flush(): Promise<void> {
        const rows: StagingRow[] = [];
        for (const [key, packed] of this.buffered) rows.push(...this.rowsOf(key, packed));
        this.buffered.clear();
        this.chars = 0;
        await submitRows(this.table, rows);
    }

    private group(key: string): Packed {
        let packed = this.buffered.get(key);
        if (!packed) this.buffered.set(key, (packed = { r: [], p: [] }));
        return packed;
    }

    private added(entry: object): boolean {
        this.staged++;
        this.chars += JSON.stringify(entry).length + 1;
        return this.chars >= this.flushChars;
    }

    /** One row per group, or several when a group's entries outgrow a row. */
    private rowsOf(key: string, packed: Packed): StagingRow[] {
        const rows: StagingRow[] = [];
        let part: Packed = { r: [], p: [] };
        let chars = 0;
        const cut = () => {
            rows.push(this.row(key, part));
            part = { r: [], p: [] };
            chars = 0;
        };
        for (const b of packed.b ?? []) {
            chars += JSON.stringify(b).length + 1;
            (part.b ??= []).push(b);
            if (chars > ROW_CHARS * 0.9) cut();
        }
        for (const e of packed.r) {
            chars += JSON.stringify(e).length + 1;
            part.r.push(e);
            if (chars > ROW_CHARS * 0.9) cut();
        }
        for (const e of packed.p) {
            chars += JSON.stringify(e).length + 1;
            part.p.push(e);
            if (chars > ROW_CHARS * 0.9) cut();
        }
        if (part.r.length + part.p.length + (part.b?.length ?? 0) > 0) cut();
        return rows;
    }

    private row(key: string, packed: Packed): StagingRow {
        const seq = String(this.seq++).padStart(9, '0');
        const encoded = stagingKey(key);
        const long = encoded.length > MAX_KEY;
        return {
            partitionKey: long ? longPartitionOf(this.driveId) : partitionOf(this.driveId),
            rowKey: long
                ? `${String(key.split('/').length).padStart(4, '0')}${createHash('sha1').update(key).digest('hex')}$${seq}`
                : `${encoded}$${seq}`,
            g: key,
            ...toColumns(JSON.stringify(packed)),
        };
    }
}

/** The staged groups in key order, read a few rows at a time. */
export function stagedGroups(services: Services, driveId: string): GroupSource {
    return {
        groups: async function* () {
            yield* readGroups(services, odata`PartitionKey eq ${partitionOf(driveId)}`);
            yield* readGroups(services, odata`PartitionKey eq ${longPartitionOf(driveId)}`);
        },
        subtree: async function* (folder: string) {
            const p = partitionOf(driveId);
            // The folder's own children, then every group below it.
            for (const [from, to] of subtreeRanges('', pathKey(folder)))
                yield* readGroups(services, odata`PartitionKey eq ${p} and RowKey ge ${from} and RowKey lt ${to}`);
        },
    };
}

export async function dropStaging(services: Services, driveId: string): Promise<void> {
    const table = await services.tables.get('syncStaging');
    await deletePartition(table, partitionOf(driveId));
    await deletePartition(table, longPartitionOf(driveId));
}

/** Consecutive rows of one folder make one group. */
async function* readGroups(services: Services, filter: string): AsyncGenerator<ItemGroup> {
    const table = await services.tables.get('syncStaging');
    let current: ItemGroup | undefined;
    for await (const page of table
        .listEntities<StagingRow>({ queryOptions: { filter } })
        .byPage({ maxPageSize: ROWS_PER_READ })) {
        for (const row of page) {
            const packed = JSON.parse(fromColumns(row)) as Packed;
            if (current && current.key !== row.g) {
                yield current;
                current = undefined;
            }
            current ??= { key: row.g, remote: [], platform: [] };
            for (const e of packed.r) current.remote.push(e);
            for (const e of packed.p) current.platform.push(e);
            if (packed.b) (current.baseline ??= []).push(...packed.b);
        }
    }
    if (current) yield current;
}

/** Rows in transactions (one partition each, ≤ 100 actions, well under the 4 MiB payload limit). */
async function submitRows(table: TableClient, rows: readonly StagingRow[]): Promise<void> {
    const byPartition = new Map<string, StagingRow[]>();
    for (const row of rows) {
        const list = byPartition.get(row.partitionKey) ?? [];
        list.push(row);
        byPartition.set(row.partitionKey, list);
    }
    for (const partition of byPartition.values()) {
        let batch: TransactionAction[] = [];
        let chars = 0;
        for (const row of partition) {
            const size = fromColumns(row).length;
            if (batch.length === 100 || (batch.length > 0 && chars + size > 1_000_000)) {
                await table.submitTransaction(batch);
                batch = [];
                chars = 0;
            }
            batch.push(['upsert', row, 'Replace']);
            chars += size;
        }
        if (batch.length) await table.submitTransaction(batch);
    }
}
