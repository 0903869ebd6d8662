import { requireDrive } from '../../drives/driveRepository';
import { ApiError } from '../../http/apiError';
import { requireIntegration } from '../../integration/integrationSettings';
import type { Services } from '../../runtime/services';
import { transferStatuses, type TransferStatus } from '../../transfer/transferList';
import type { ItemOutcome } from '../contracts';
import { getRun, listConflicts, listRuns, queryOutcomes, type RunPage, type RunRecord } from '../runs';
import { decideDeletes, readDeleteDecision, type DeleteDecision } from './deleteDecision';
import { requestSync, type SyncRequest } from './requestSync';

/** What the runs, conflicts and deletes routes read and do; each checks the drive exists first. */
async function knownDrive(services: Services, driveId: string): Promise<void> {
    const integration = await requireIntegration(services);
    await requireDrive(await services.tables.get('drives'), integration.id, driveId);
}

export async function runHistory(
    services: Services,
    driveId: string,
    limit: number,
    continuationToken?: string,
): Promise<RunPage> {
    await knownDrive(services, driveId);
    return listRuns(services, driveId, limit, continuationToken);
}

/** A run's outcome; one carried by a transfer also says where that transfer stands now. */
export type RunOutcome = ItemOutcome & { transfer?: TransferStatus };

export interface RunDetail {
    run: RunRecord;
    outcomes: RunOutcome[];
    total: number;
}

export async function runDetail(
    services: Services,
    driveId: string,
    runId: string,
    query: { status?: ItemOutcome['status']; q?: string; limit: number; offset: number },
): Promise<RunDetail> {
    await knownDrive(services, driveId);
    const run = await getRun(services, driveId, runId);
    if (!run)
        throw new ApiError(
            404,
            'run_not_found',
            `No run ${runId} for this drive.`,
            'List runs with GET /api/drives/{driveId}/runs.',
        );
    const { outcomes, total } = await queryOutcomes(services, driveId, runId, {
        status: query.status,
        q: query.q,
        limit: query.limit,
        offset: query.offset,
    });
    return { run, outcomes: await withTransfers(services, driveId, outcomes), total };
}

/**
 * The run planned a copy (`queued`); how it ended is the transfer's: done with a note such as
 * `modified_by_sharepoint`, failed with its error and hint, skipped. Joined here, for the page only,
 * so "why didn't X sync?" is answered in one place.
 */
async function withTransfers(services: Services, driveId: string, outcomes: ItemOutcome[]): Promise<RunOutcome[]> {
    const ids = outcomes.flatMap((o) => (o.transferId ? [o.transferId] : []));
    if (ids.length === 0) return outcomes;
    const statuses = await transferStatuses(services, driveId, ids);
    return outcomes.map((o) => {
        const transfer = o.transferId ? statuses.get(o.transferId) : undefined;
        return transfer ? { ...o, transfer } : o;
    });
}

export async function conflictInbox(
    services: Services,
    driveId: string,
): Promise<{ value: Awaited<ReturnType<typeof listConflicts>> }> {
    await knownDrive(services, driveId);
    return { value: await listConflicts(services, driveId) };
}

/** Approve or reject the held deletes; the next run (queued now) carries the decision out. */
export async function decideHeldDeletes(
    services: Services,
    driveId: string,
    decision: 'approved' | 'rejected',
    by: string,
): Promise<{ decision: DeleteDecision; sync: SyncRequest }> {
    await knownDrive(services, driveId);
    const held = await readDeleteDecision(services, driveId);
    if (held?.state !== 'pending')
        throw new ApiError(
            409,
            'no_held_deletes',
            held
                ? `The held deletes were already ${held.state} by ${held.decidedBy ?? 'an admin'} at ${held.decidedAt ?? held.heldAt}; the run carrying that out is queued.`
                : 'No deletes are waiting for approval on this drive.',
            'Deletes are held only when a run exceeds BigDeleteMaxCount or BigDeleteMaxPercent; see GET /api/drives/{driveId}/runs.',
        );
    const decided = (await decideDeletes(services, driveId, decision, by))!;
    return { decision: decided, sync: await requestSync(services, driveId) };
}
