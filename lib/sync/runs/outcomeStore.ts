import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { fromColumns, type PackedColumns, ROW_CHARS, toColumns } from '../../storage/packedText';
import { deletePartition } from '../../storage/partitions';
import { tableKey } from '../../storage/tables';
import type { ItemOutcome } from '../contracts';

/**
 * Per-item outcomes of a run (table SyncOutcomes, one partition per run, batched 100 rows per
 * transaction) and the drive's conflict inbox (one partition per drive, one row per path: the latest
 * conflict there wins).
 */
type OutcomeRow = { partitionKey: string; rowKey: string } & ItemOutcome & { runId?: string; at?: string };

type OutcomePackRow = { partitionKey: string; rowKey: string; n: number } & PackedColumns;

function unpack(row: OutcomePackRow): ItemOutcome[] {
    return JSON.parse(fromColumns(row)) as ItemOutcome[];
}

const runPartition = (driveId: string, runId: string): string => `${driveId}.${runId}`;
const conflictPartition = (driveId: string): string => `${driveId}.conflicts`;

/**
 * Writes a run's outcomes as they come (a first sync in batches writes each batch's, and does not
 * hold 100,000 of them until the end), and counts them per status for the run record.
 */
export class OutcomeWriter {
    readonly counts: Partial<Record<ItemOutcome['status'], number>> = {};
    private nextRow = 0;
    private cleared = false;

    constructor(
        private readonly services: Services,
        private readonly driveId: string,
        private readonly runId: string,
    ) {}

    async write(outcomes: readonly ItemOutcome[]): Promise<void> {
        for (const o of outcomes) this.counts[o.status] = (this.counts[o.status] ?? 0) + 1;
        if (outcomes.length === 0) return;
        const table = await this.services.tables.get('syncOutcomes');
        if (!this.cleared) await this.clearEarlierAttempt(table);
        const rows = this.pack(outcomes);
        await submitInBatches(table, rows, 4);
        const at = new Date().toISOString();
        const conflicts = outcomes
            .filter((o) => o.status === 'conflict')
            .map((o): OutcomeRow => ({
                partitionKey: conflictPartition(this.driveId),
                rowKey: tableKey(o.path),
                ...clean(o),
                runId: this.runId,
                at,
            }));
        await submitInBatches(table, conflicts, 100);
    }

    /**
     * A run redelivered after a crash writes its outcomes again from row 0: rows a longer earlier
     * attempt wrote beyond that would otherwise stay and be read back as this run's.
     */
    private async clearEarlierAttempt(table: TableClient): Promise<void> {
        this.cleared = true;
        await deletePartition(table, runPartition(this.driveId, this.runId));
    }

    /**
     * Packed rows (JSON in ≤ 30,000-character columns, ≤ 12 per row): a 100,000-item first sync writes
     * ~60 rows instead of 100,000 entities, and a query reads them back in one listing. Row keys carry
     * on from the previous write, so the run's outcomes read back in order.
     */
    private pack(outcomes: readonly ItemOutcome[]): OutcomePackRow[] {
        const partitionKey = runPartition(this.driveId, this.runId);
        const rows: OutcomePackRow[] = [];
        let pack: ItemOutcome[] = [];
        let chars = 0;
        const flush = (): void => {
            if (pack.length === 0) return;
            const json = JSON.stringify(pack);
            rows.push({
                partitionKey,
                rowKey: String(this.nextRow++).padStart(6, '0'),
                n: pack.length,
                ...toColumns(json),
            });
            pack = [];
            chars = 0;
        };
        for (const o of outcomes) {
            const c = clean(o);
            chars += JSON.stringify(c).length;
            pack.push(c);
            if (chars > ROW_CHARS * 0.9) flush();
        }
        flush();
        return rows;
    }
}

export interface OutcomeQuery {
    status?: ItemOutcome['status'];
    /** Case-insensitive substring of the path ("why didn't X sync?"). */
    q?: string;
    limit: number;
    offset: number;
}

/**
 * One page of a run's outcomes, filtered. Packed rows are read one at a time in RowKey order (the
 * order they were written) and only the requested page is kept, so a 100,000-item run costs one row
 * of memory, not the whole run.
 */
export async function queryOutcomes(
    services: Services,
    driveId: string,
    runId: string,
    query: OutcomeQuery,
): Promise<{ outcomes: ItemOutcome[]; total: number }> {
    const table = await services.tables.get('syncOutcomes');
    const needle = query.q?.toLowerCase();
    const page: ItemOutcome[] = [];
    let total = 0;
    for await (const row of table.listEntities<OutcomePackRow>({
        queryOptions: { filter: `PartitionKey eq '${runPartition(driveId, runId)}'` },
    })) {
        for (const o of unpack(row)) {
            if (query.status && o.status !== query.status) continue;
            if (needle && !o.path.toLowerCase().includes(needle)) continue;
            if (total >= query.offset && page.length < query.limit) page.push(o);
            total++;
        }
    }
    return { outcomes: page, total };
}

export async function listConflicts(
    services: Services,
    driveId: string,
): Promise<(ItemOutcome & { runId: string; at: string })[]> {
    const table = await services.tables.get('syncOutcomes');
    const out: (ItemOutcome & { runId: string; at: string })[] = [];
    for await (const row of table.listEntities<OutcomeRow>({
        queryOptions: { filter: `PartitionKey eq '${conflictPartition(driveId)}'` },
    })) {
        out.push({ ...toOutcome(row), runId: row.runId ?? '', at: row.at ?? '' });
    }
    return out.sort((a, b) => b.at.localeCompare(a.at) || a.path.localeCompare(b.path));
}

function clean(o: ItemOutcome): ItemOutcome {
    // Table Storage rejects undefined-valued properties in some SDK paths; drop them.
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as ItemOutcome;
}

function toOutcome(row: OutcomeRow): ItemOutcome {
    const o: ItemOutcome = {
        path: row.path,
        action: row.action,
        status: row.status,
        code: row.code,
        message: row.message,
    };
    if (row.hint) o.hint = row.hint;
    if (row.graphCode) o.graphCode = row.graphCode;
    if (row.requestId) o.requestId = row.requestId;
    return o;
}

/** A transaction carries at most 100 entities and 4 MiB: packed rows go a few at a time. */
async function submitInBatches(
    table: TableClient,
    rows: readonly (OutcomeRow | OutcomePackRow)[],
    perBatch: number,
): Promise<void> {
    for (let at = 0; at < rows.length; at += perBatch) {
        const batch = rows
            .slice(at, at + perBatch)
            .map((row): TransactionAction => [
                'upsert',
                row as unknown as Record<string, unknown> & { partitionKey: string; rowKey: string },
                'Replace',
            ]);
        await table.submitTransaction(batch);
    }
}
