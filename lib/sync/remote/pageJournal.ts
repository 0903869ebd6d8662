import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { type DeltaItem, fromJournalItem, type JournalItem, toJournalItem } from './deltaItem';

/**
 * The pages of a delta enumeration in progress, kept until the plan built from them is applied: the
 * cursor moves past a page only once the page is here, so a crash between pages loses nothing and a
 * page fetched twice overwrites its own row (RowKey = page number). One row per page (split when a
 * page is large), in a partition per enumeration that is dropped once the enumeration is applied.
 */
const CHUNK_CHARS = 30_000; // a string property holds 64 KiB of UTF-16
const CHUNKS_PER_ROW = 12; // an entity holds 1 MiB

interface PageRow {
    partitionKey: string;
    rowKey: string;
    n: number;
    [chunk: `c${number}`]: string;
}

function partitionOf(driveId: string, enumerationId: string): string {
    return `${driveId}.${enumerationId}`;
}

export async function journalPage(services: Services, driveId: string, enumerationId: string, page: number, items: readonly DeltaItem[]): Promise<void> {
    const table = await services.tables.get('syncDelta');
    const json = JSON.stringify(items.map(toJournalItem));
    const chunks: string[] = [];
    for (let at = 0; at < json.length; at += CHUNK_CHARS) chunks.push(json.slice(at, at + CHUNK_CHARS));
    const parts = Math.max(1, Math.ceil(chunks.length / CHUNKS_PER_ROW));
    for (let part = 0; part < parts; part++) {
        const row: PageRow = { partitionKey: partitionOf(driveId, enumerationId), rowKey: rowKeyOf(page, part), n: parts };
        chunks.slice(part * CHUNKS_PER_ROW, (part + 1) * CHUNKS_PER_ROW).forEach((c, i) => (row[`c${i}`] = c));
        await table.upsertEntity(row, 'Replace');
    }
}

/** Every journaled item of the enumeration, in page order (so the last occurrence of an id is last). */
export async function readJournal(services: Services, driveId: string, enumerationId: string): Promise<DeltaItem[]> {
    const table = await services.tables.get('syncDelta');
    const rows = await listRows(table, partitionOf(driveId, enumerationId));
    const byPage = new Map<number, string[]>();
    for (const row of rows) {
        const [page, part] = row.rowKey.split('.').map(Number);
        const text = Object.keys(row).filter((k) => /^c\d+$/.test(k)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => row[k as `c${number}`]).join('');
        const parts = byPage.get(page) ?? [];
        parts[part] = text;
        byPage.set(page, parts);
    }
    return [...byPage.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, parts]) => (JSON.parse(parts.join('')) as JournalItem[]).map(fromJournalItem));
}

/** Drops an enumeration's pages (best effort: a leftover partition is never read again). */
export async function dropJournal(services: Services, driveId: string, enumerationId: string): Promise<number> {
    const table = await services.tables.get('syncDelta');
    const partition = partitionOf(driveId, enumerationId);
    const keys: string[] = [];
    for await (const row of table.listEntities<{ rowKey: string }>({ queryOptions: { filter: `PartitionKey eq '${partition}'`, select: ['RowKey'] } })) keys.push(row.rowKey);
    for (let at = 0; at < keys.length; at += 100) {
        const batch: TransactionAction[] = keys.slice(at, at + 100).map((rowKey) => ['delete', { partitionKey: partition, rowKey }]);
        await table.submitTransaction(batch);
    }
    return keys.length;
}

function rowKeyOf(page: number, part: number): string {
    return `${String(page).padStart(7, '0')}.${String(part).padStart(3, '0')}`;
}

async function listRows(table: TableClient, partition: string): Promise<PageRow[]> {
    const rows: PageRow[] = [];
    for await (const row of table.listEntities<PageRow>({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) rows.push(row);
    return rows;
}
