import { ApiError } from '../../http/apiError';
import { continuesPartition } from '../../storage/continuationToken';
import type { Services } from '../../runtime/services';
import type { RunRecord } from './runRecord';
import { readDocument, updateDocument, writeDocument } from './tableDocument';

/** Run records: table SyncRuns, PartitionKey driveId, RowKey runId (newest first by construction). */
export async function createRun(services: Services, run: RunRecord): Promise<void> {
    await writeDocument(await services.tables.get('syncRuns'), run.driveId, run.runId, run, '*');
}

export async function getRun(services: Services, driveId: string, runId: string): Promise<RunRecord | undefined> {
    return (await readDocument<RunRecord>(await services.tables.get('syncRuns'), driveId, runId))?.value;
}

/** Merges fields into a run (creating it from `base` when a message arrives without a queued record). */
export async function updateRun(services: Services, base: RunRecord, patch: Partial<RunRecord>): Promise<RunRecord> {
    const table = await services.tables.get('syncRuns');
    return (await updateDocument<RunRecord>(table, base.driveId, base.runId, (current) => ({
        ...(current ?? base),
        ...patch,
    })))!;
}

export interface RunPage {
    runs: RunRecord[];
    continuationToken?: string;
}

/**
 * The token is the Table SDK's (base64 JSON with the next partition and row keys): a token that is not
 * one, or that continues another drive's history, is the client's mistake (400), not a 500.
 */
function checkRunsToken(token: string, driveId: string): void {
    if (continuesPartition(token, driveId)) return;
    throw new ApiError(
        400,
        'invalid_continuation_token',
        'The continuationToken is not one this route issued for this drive.',
        'Send back the continuationToken of the previous page unchanged, or leave it out to start from the newest run.',
    );
}

export async function listRuns(
    services: Services,
    driveId: string,
    limit: number,
    continuationToken?: string,
): Promise<RunPage> {
    if (continuationToken !== undefined) checkRunsToken(continuationToken, driveId);
    const table = await services.tables.get('syncRuns');
    const pages = table
        .listEntities<{ document: string }>({
            queryOptions: { filter: `PartitionKey eq '${driveId.replace(/'/g, "''")}'` },
        })
        .byPage({ maxPageSize: limit, continuationToken });
    const first = await pages.next();
    if (first.done) return { runs: [] };
    const page = first.value;
    return {
        runs: page.map((row) => JSON.parse(row.document) as RunRecord),
        continuationToken: page.continuationToken,
    };
}
