import { z } from 'zod';
import { KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { named, type RouteDescription } from '../routeDescription';
import { runQuery, runsQuery, syncNowQuery, transfersQuery } from '../../http/queries';
import { TRANSFER_PHASES } from '../../sync/state/transferPhase';
import { OUTCOME_STATUSES } from '../../sync/contracts';

const driveErrors = [...KEYED_ROUTE_ERRORS, 'integration_not_configured', 'drive_not_found'] as const;

const timestamp = z.string().meta({ format: 'date-time' });
const runStarted = named(
    'SyncRunStarted',
    z.object({ runId: z.string(), created: z.boolean(), status: z.enum(['queued', 'running']) }),
);
const outcome = z.looseObject({
    path: z.string(),
    action: z.string(),
    status: z.enum(OUTCOME_STATUSES),
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    transferId: z.string().optional().meta({
        description: 'The transfer carrying the bytes; replay it with POST .../transfers/{transferId}/replay.',
    }),
    graphCode: z.string().optional(),
    requestId: z.string().optional(),
});
const transferError = z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string(),
    graphCode: z.string().optional(),
    requestId: z.string().optional(),
    retryable: z.boolean(),
});
const transferNotes = z.array(z.object({ code: z.string(), message: z.string() })).meta({
    description:
        'What happened on the way that a person may want to know: modified_by_sharepoint (SharePoint rewrote the uploaded file; its version is the baseline), served_content_differs (the download served other bytes than listed, e.g. an AIP-protected file), precondition_retried, upload_session_recovered.',
});
const transferState = z.enum(TRANSFER_PHASES).meta({
    description:
        'active: moving bytes; queued: waiting for its first attempt or next time slice; retrying: the last attempt failed or was throttled and the queue brings it back; failed: needs a person, then replay; skipped: the next sync plans it again; done.',
});
const run = z.looseObject({ runId: z.string(), driveId: z.string(), trigger: z.string(), status: z.string() });
const runList = named('SyncRunPage', z.looseObject({ value: z.array(run), continuationToken: z.string().optional() }));
const runOutcome = outcome.extend({
    transfer: z
        .object({
            transferId: z.string(),
            state: transferState,
            notes: transferNotes.optional(),
            lastError: transferError.optional(),
        })
        .optional()
        .meta({
            description:
                'For an item the run queued for copying: where its transfer stands now (how it ended, what happened on the way).',
        }),
});
const runDetail = named('SyncRunDetail', z.looseObject({ run, outcomes: z.array(runOutcome), total: z.number() }));
const conflicts = named(
    'ConflictInbox',
    z.object({
        value: z.array(outcome.extend({ runId: z.string(), at: timestamp })).meta({
            description: 'The latest conflict per path, newest first; where each version went is in message.',
        }),
    }),
);
const deletesSettled = named(
    'HeldDeletesSettled',
    z.object({
        decision: z.object({
            state: z.enum(['approved', 'rejected']),
            heldByRun: z.string(),
            remote: z.int().meta({ description: 'Deletes held on the SharePoint side.' }),
            platform: z.int().meta({ description: 'Deletes held on the platform side.' }),
            heldAt: timestamp,
            decidedAt: timestamp,
            decidedBy: z.string(),
        }),
        sync: runStarted.schema,
    }),
);

const transfer = z.object({
    transferId: z.string(),
    runId: z.string(),
    path: z.string().meta({ description: 'Drive-relative path in the platform store.' }),
    direction: z
        .enum(['upload', 'download'])
        .meta({ description: 'upload: to Microsoft 365; download: to the platform.' }),
    state: transferState,
    bytesDone: z
        .number()
        .meta({ description: 'Recorded at each fragment or block checkpoint (TRANSFER_FRAGMENT_BYTES).' }),
    bytesTotal: z.number(),
    bytesPerSecond: z
        .number()
        .optional()
        .meta({ description: "The current (or last successful) attempt's average rate." }),
    startedAt: timestamp.optional(),
    updatedAt: timestamp,
    finishedAt: timestamp.optional(),
    attempts: z.int(),
    lastError: transferError.optional(),
    replay: z
        .object({ method: z.literal('POST'), href: z.string() })
        .optional()
        .meta({ description: 'Present when the transfer can be replayed (failed or skipped).' }),
    notes: transferNotes.optional(),
});
const transferPage = named(
    'TransferPage',
    z.object({
        value: z.array(transfer),
        continuationToken: z.string().optional(),
        summary: z
            .object({
                runId: z.string(),
                planned: z.int().meta({ description: 'Transfers the run enqueued (files planned).' }),
                byState: z.record(z.enum(TRANSFER_PHASES), z.int()),
            })
            .optional()
            .meta({ description: "With runId: the run's transfers per state (files done of files planned)." }),
    }),
);

/** Sync runs of a drive: start one, read the history and per-item outcomes, settle held deletes. */
export const syncRoutes: RouteDescription[] = [
    {
        method: 'POST',
        path: '/api/drives/{driveId}/sync',
        operationId: 'syncNow',
        summary: '"Sync now": queue a run (a second request while one is queued or running returns the same run)',
        tag: 'sync',
        auth: 'function',
        query: syncNowQuery,
        responses: { 202: { description: 'Queued (or already queued/running).', body: runStarted } },
        errors: [...driveErrors, 'drive_not_connected'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/runs',
        operationId: 'listSyncRuns',
        summary: 'Run history, newest first',
        tag: 'sync',
        auth: 'function',
        query: runsQuery,
        responses: { 200: { description: 'A page of runs.', body: runList } },
        errors: [...driveErrors, 'validation_failed', 'invalid_continuation_token'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/runs/{runId}',
        operationId: 'getSyncRun',
        summary: 'One run with its per-item outcomes ("why didn\'t X sync?")',
        tag: 'sync',
        auth: 'function',
        query: runQuery,
        responses: { 200: { description: 'The run and the matching outcomes.', body: runDetail } },
        errors: [...driveErrors, 'validation_failed', 'run_not_found'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/conflicts',
        operationId: 'listConflicts',
        summary: 'Conflict inbox: both versions were kept; here is where each copy went',
        tag: 'sync',
        auth: 'function',
        responses: { 200: { description: 'Conflicts, newest first.', body: conflicts } },
        errors: [...driveErrors],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/transfers',
        operationId: 'listTransfers',
        summary: 'Transfers with their progress: active, queued, retrying, failed, skipped, recently done',
        tag: 'sync',
        auth: 'function',
        query: transfersQuery,
        responses: { 200: { description: 'A page of transfers, newest run first.', body: transferPage } },
        errors: [...driveErrors, 'validation_failed', 'invalid_continuation_token'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/transfers/{transferId}/replay',
        operationId: 'replayTransfer',
        summary: 'Re-enqueue a failed (e.g. poisoned) or skipped transfer',
        tag: 'sync',
        auth: 'function',
        responses: {
            202: {
                description: 'Queued again.',
                body: named('TransferReplayed', z.looseObject({ transferId: z.string() })),
            },
        },
        errors: [...driveErrors, 'transfer_not_found', 'transfer_not_failed', 'transfer_changed'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/deletes/approve',
        operationId: 'approveHeldDeletes',
        summary: 'Apply the deletes the big-delete guard held (to the recycle bin / platform trash)',
        tag: 'sync',
        auth: 'function',
        responses: { 202: { description: 'A run carrying the decision out was queued.', body: deletesSettled } },
        errors: [...driveErrors, 'no_held_deletes'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/deletes/reject',
        operationId: 'rejectHeldDeletes',
        summary: 'Drop the held deletes: the files stay on both sides',
        tag: 'sync',
        auth: 'function',
        responses: { 202: { description: 'A run carrying the decision out was queued.', body: deletesSettled } },
        errors: [...driveErrors, 'no_held_deletes'],
    },
];
