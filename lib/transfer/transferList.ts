import { odata } from '@azure/data-tables';
import { requireDrive } from '../drives/driveRepository';
import { ApiError } from '../http/apiError';
import { requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import type { TransferRecord } from '../sync/contracts';
import { getRun } from '../sync/runs';
import { readJournalRow, recordOf, type JournalRow } from '../sync/state/transferJournal';
import { mapLimited } from '../notifications/concurrency';
import { TRANSFER_PHASES, transferPhase, type TransferPhase } from '../sync/state/transferPhase';
import { continuesPartition } from '../storage/continuationToken';
import { tableKey } from '../storage/tables';
import { transferErrorHint } from './errorHints';

/** Done transfers stay in the default listing this long; `state=done` lists them all. */
export const RECENTLY_DONE_MS = 24 * 60 * 60_000;

/** One transfer as GET /api/drives/{driveId}/transfers shows it. */
export interface TransferView {
    transferId: string;
    runId: string;
    path: string;
    direction: 'upload' | 'download';
    state: TransferPhase;
    bytesDone: number;
    bytesTotal: number;
    /** Average bytes per second of the current (or last) attempt, from its start to its last checkpoint. */
    bytesPerSecond?: number;
    startedAt?: string;
    updatedAt: string;
    finishedAt?: string;
    attempts: number;
    lastError?: {
        code: string;
        message: string;
        hint: string;
        graphCode?: string;
        requestId?: string;
        retryable: boolean;
    };
    /** Present when POST .../transfers/{transferId}/replay applies (failed or skipped). */
    replay?: { method: 'POST'; href: string };
    /** What happened on the way that a person may want to know (e.g. `modified_by_sharepoint`). */
    notes?: { code: string; message: string }[];
}

/** Where a run's transfer stands now, as its per-item outcome shows it (the outcome itself says `queued`). */
export type TransferStatus = Pick<TransferView, 'transferId' | 'state' | 'notes' | 'lastError'>;

export interface TransferListQuery {
    state?: TransferPhase[];
    runId?: string;
    limit: number;
    continuationToken?: string;
}

export interface TransferPage {
    value: TransferView[];
    continuationToken?: string;
    /** With `runId`: the run's transfers per state, and how many it planned (files done of files planned). */
    summary?: { runId: string; planned: number; byState: Record<TransferPhase, number> };
}

/**
 * Reads the transfer journal (one partition per drive; a transfer's row key starts with its run's id,
 * newest run first) with the state filter evaluated by the table on the `phase` column, a page at a
 * time. Progress comes from the row each attempt rewrites per fragment anyway (journal.ts save).
 */
export async function listTransfers(
    services: Services,
    driveId: string,
    query: TransferListQuery,
): Promise<TransferPage> {
    const integration = await requireIntegration(services);
    await requireDrive(await services.tables.get('drives'), integration.id, driveId);
    const partition = tableKey(driveId);
    if (query.continuationToken !== undefined) checkToken(query.continuationToken, partition);
    const table = await services.tables.get('transfers');
    const now = Date.now();
    const filter = [odata`PartitionKey eq ${partition}`, stateFilter(query.state, now)];
    if (query.runId) filter.push(runRange(query.runId));
    const pages = table
        .listEntities<JournalRow>({ queryOptions: { filter: filter.join(' and ') } })
        .byPage({ maxPageSize: query.limit, continuationToken: query.continuationToken });
    const first = await pages.next();
    const page = first.done ? undefined : first.value;
    const value = (page ?? []).map((row) => view(driveId, recordOf(row)));
    return {
        value,
        ...(page?.continuationToken ? { continuationToken: page.continuationToken } : {}),
        ...(query.runId ? { summary: await runSummary(services, driveId, query.runId) } : {}),
    };
}

function stateFilter(states: TransferPhase[] | undefined, now: number): string {
    if (states?.length) return `(${states.map((s) => odata`phase eq ${s}`).join(' or ')})`;
    const cutoff = new Date(now - RECENTLY_DONE_MS).toISOString();
    const open = TRANSFER_PHASES.filter((s) => s !== 'done').map((s) => odata`phase eq ${s}`);
    return `(${[...open, odata`(phase eq ${'done'} and updatedAt ge ${cutoff})`].join(' or ')})`;
}

/** Transfer ids are `<runId>.<actionId>[.<part>]`: a run's rows are one key range. */
function runRange(runId: string): string {
    const key = tableKey(runId);
    return odata`RowKey gt ${`${key}.`} and RowKey lt ${`${key}/`}`;
}

/**
 * Files done of files planned for one run: the run's transfers counted per state (only the `phase`
 * column is read, 1,000 rows per request), beside what the run record says it enqueued.
 */
async function runSummary(
    services: Services,
    driveId: string,
    runId: string,
): Promise<NonNullable<TransferPage['summary']>> {
    const table = await services.tables.get('transfers');
    const byState = Object.fromEntries(TRANSFER_PHASES.map((s) => [s, 0])) as Record<TransferPhase, number>;
    let total = 0;
    for await (const row of table.listEntities<{ phase?: TransferPhase }>({
        queryOptions: {
            filter: `${odata`PartitionKey eq ${tableKey(driveId)}`} and ${runRange(runId)}`,
            select: ['phase'],
        },
    })) {
        if (!row.phase) continue;
        byState[row.phase]++;
        total++;
    }
    const run = await getRun(services, driveId, runId);
    return { runId, planned: Math.max(run?.transfersEnqueued ?? 0, total), byState };
}

/**
 * The current state of some transfers, by id (absent when a row is gone): one point read each, 16 at a
 * time. A run detail page holds at most 1,000 outcomes, and a run of 100,000 transfers is never read
 * whole for one page.
 */
export async function transferStatuses(
    services: Services,
    driveId: string,
    transferIds: readonly string[],
): Promise<Map<string, TransferStatus>> {
    const table = await services.tables.get('transfers');
    const ids = [...new Set(transferIds)];
    const rows = await mapLimited(ids, 16, (id) => readJournalRow(table, driveId, id));
    const out = new Map<string, TransferStatus>();
    for (const settled of rows) {
        if (settled.status === 'rejected') throw settled.reason;
        if (!settled.value) continue;
        const { transferId, state, notes, lastError } = view(driveId, recordOf(settled.value));
        out.set(transferId, { transferId, state, ...(notes ? { notes } : {}), ...(lastError ? { lastError } : {}) });
    }
    return out;
}

function view(driveId: string, record: TransferRecord): TransferView {
    const state = transferPhase(record);
    const rate = bytesPerSecond(record, state === 'active' ? Date.parse(record.updatedAt) : undefined);
    const replayable = state === 'failed' || state === 'skipped';
    return {
        transferId: record.transferId,
        runId: record.runId,
        path: record.platformPath,
        direction: record.direction,
        state,
        bytesDone: record.bytesDone,
        bytesTotal: record.bytesTotal,
        ...(rate !== undefined ? { bytesPerSecond: rate } : {}),
        ...(record.startedAt ? { startedAt: record.startedAt } : {}),
        updatedAt: record.updatedAt,
        ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
        attempts: record.attempts,
        ...(record.error ? { lastError: { ...record.error, hint: transferErrorHint(record.error.code) } } : {}),
        ...(record.result?.notes?.length ? { notes: record.result.notes } : {}),
        ...(replayable
            ? {
                  replay: {
                      method: 'POST' as const,
                      href: `/api/drives/${encodeURIComponent(driveId)}/transfers/${encodeURIComponent(record.transferId)}/replay`,
                  },
              }
            : {}),
    };
}

/** The attempt's average: bytes since it started over the time to its last checkpoint (or its end). */
function bytesPerSecond(record: TransferRecord, activeUntil: number | undefined): number | undefined {
    if (!record.attemptStartedAt) return undefined;
    const until =
        activeUntil ?? (record.state === 'succeeded' && record.finishedAt ? Date.parse(record.finishedAt) : NaN);
    const seconds = (until - Date.parse(record.attemptStartedAt)) / 1000;
    const bytes = record.bytesDone - (record.attemptStartBytes ?? 0);
    if (!(seconds > 0) || bytes <= 0) return undefined;
    return Math.round(bytes / seconds);
}

function checkToken(token: string, partition: string): void {
    if (continuesPartition(token, partition)) return;
    throw new ApiError(
        400,
        'invalid_continuation_token',
        'The continuationToken is not one this route issued for this drive.',
        'Send back the continuationToken of the previous page unchanged, or leave it out to start from the first page.',
    );
}
