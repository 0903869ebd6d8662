import { fromColumns, type PackedColumns, rowPieces, toColumns } from '../../storage/packedText';
import { deletePartition } from '../../storage/partitions';
import type { Services } from '../../runtime/services';
import { type DeltaItem, fromJournalItem, type JournalItem, toJournalItem } from './deltaItem';

/**
 * The pages of a delta enumeration in progress, kept until the plan built from them is applied: the
 * cursor moves past a page only once the page is here, so a crash between pages loses nothing and a
 * page fetched twice overwrites its own row (RowKey = page number). One row per page (split when a
 * page is large), in a partition per enumeration that is dropped once the enumeration is applied.
 */
type PageRow = { partitionKey: string; rowKey: string; n: number } & PackedColumns;

/** Rows per listing request: a row holds up to 360,000 characters, so a reader holds a few pages at most. */
const ROWS_PER_REQUEST = 8;

function partitionOf(driveId: string, enumerationId: string): string {
    return `${driveId}.${enumerationId}`;
}

export async function journalPage(
    services: Services,
    driveId: string,
    enumerationId: string,
    page: number,
    items: readonly DeltaItem[],
): Promise<void> {
    const table = await services.tables.get('syncDelta');
    const pieces = rowPieces(JSON.stringify(items.map(toJournalItem)));
    for (const [part, piece] of pieces.entries()) {
        const row: PageRow = {
            partitionKey: partitionOf(driveId, enumerationId),
            rowKey: rowKeyOf(page, part),
            n: pieces.length,
            ...toColumns(piece),
        };
        await table.upsertEntity(row, 'Replace');
    }
}

/** Every journaled item of the enumeration, in page order (so the last occurrence of an id is last). */
export async function readJournal(services: Services, driveId: string, enumerationId: string): Promise<DeltaItem[]> {
    const items: DeltaItem[] = [];
    for await (const page of journalPages(services, driveId, enumerationId)) for (const item of page) items.push(item);
    return items;
}

/**
 * The journaled pages one at a time, in page order: a full listing of a large drive is read through
 * without holding more than a page of it.
 */
export async function* journalPages(
    services: Services,
    driveId: string,
    enumerationId: string,
): AsyncGenerator<DeltaItem[]> {
    for await (const page of journalItemPages(services, driveId, enumerationId)) yield page.map(fromJournalItem);
}

/** The same pages in the journal's compact form, for a pass that reads only ids and flags (fullListing.ts). */
export async function* journalItemPages(
    services: Services,
    driveId: string,
    enumerationId: string,
): AsyncGenerator<JournalItem[]> {
    const table = await services.tables.get('syncDelta');
    const rows = table
        .listEntities<PageRow>({ queryOptions: { filter: `PartitionKey eq '${partitionOf(driveId, enumerationId)}'` } })
        .byPage({ maxPageSize: ROWS_PER_REQUEST });
    let current = -1;
    let parts: string[] = [];
    let count = 0;
    for await (const batch of rows) {
        for (const row of batch) {
            const [page, part] = row.rowKey.split('.').map(Number) as [number, number];
            if (page !== current && parts.length) yield parsePage(parts, count);
            if (page !== current) parts = [];
            current = page;
            if (part === 0) count = row.n;
            parts[part] = fromColumns(row);
        }
    }
    if (parts.length) yield parsePage(parts, count);
}

/** A page rewritten with fewer parts (fetched again after a crash) leaves stale parts behind: `count` is part 0's. */
function parsePage(parts: string[], count: number): JournalItem[] {
    return JSON.parse(parts.slice(0, count).join('')) as JournalItem[];
}

/** Drops an enumeration's pages (best effort: a leftover partition is never read again). */
export async function dropJournal(services: Services, driveId: string, enumerationId: string): Promise<number> {
    const table = await services.tables.get('syncDelta');
    return deletePartition(table, partitionOf(driveId, enumerationId));
}

function rowKeyOf(page: number, part: number): string {
    return `${String(page).padStart(7, '0')}.${String(part).padStart(3, '0')}`;
}
