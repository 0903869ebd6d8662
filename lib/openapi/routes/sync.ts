import { z } from 'zod';
import { KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { named, type RouteDescription } from '../routeDescription';

const driveErrors = [...KEYED_ROUTE_ERRORS, 'integration_not_configured', 'drive_not_found'] as const;

const runStarted = named(
    'SyncRunStarted',
    z.looseObject({ runId: z.string(), created: z.boolean(), status: z.string() }),
);
const outcome = z.looseObject({
    path: z.string(),
    action: z.string(),
    status: z.enum(['ok', 'skipped', 'conflict', 'failed', 'retrying', 'held', 'queued']),
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    graphCode: z.string().optional(),
    requestId: z.string().optional(),
});
const run = z.looseObject({ runId: z.string(), driveId: z.string(), trigger: z.string(), status: z.string() });
const runList = named('SyncRunPage', z.looseObject({ value: z.array(run), continuationToken: z.string().optional() }));
const runDetail = named('SyncRunDetail', z.looseObject({ run, outcomes: z.array(outcome), total: z.number() }));
const conflicts = named('ConflictInbox', z.looseObject({ value: z.array(z.looseObject({})) }));

/** Sync runs of a drive: start one, read the history and per-item outcomes, settle held deletes. */
export const syncRoutes: RouteDescription[] = [
    {
        method: 'POST',
        path: '/api/drives/{driveId}/sync',
        operationId: 'syncNow',
        summary: '"Sync now": queue a run (a second request while one is queued or running returns the same run)',
        tag: 'sync',
        auth: 'function',
        query: [
            {
                name: 'dryRun',
                description: "true: plan only, apply nothing; the plan is the run's outcomes.",
                schema: z.enum(['true', 'false']),
            },
        ],
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
        query: [
            { name: 'limit', description: 'Runs per page.', schema: z.string() },
            { name: 'continuationToken', description: 'From the previous page.', schema: z.string() },
        ],
        responses: { 200: { description: 'A page of runs.', body: runList } },
        errors: [...driveErrors, 'validation_failed'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/runs/{runId}',
        operationId: 'getSyncRun',
        summary: 'One run with its per-item outcomes ("why didn\'t X sync?")',
        tag: 'sync',
        auth: 'function',
        query: [
            {
                name: 'status',
                description: 'Only outcomes with this status (failed, skipped, conflict, …).',
                schema: z.string(),
            },
            { name: 'q', description: 'Only outcomes whose path contains this text.', schema: z.string() },
            { name: 'limit', description: 'Outcomes per page.', schema: z.string() },
            { name: 'offset', description: 'Outcomes to skip.', schema: z.string() },
        ],
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
        errors: [...driveErrors, 'transfer_not_found', 'transfer_not_failed'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/deletes/approve',
        operationId: 'approveHeldDeletes',
        summary: 'Apply the deletes the big-delete guard held (to the recycle bin / platform trash)',
        tag: 'sync',
        auth: 'function',
        responses: { 202: { description: 'A run carrying the decision out was queued.', body: runStarted } },
        errors: [...driveErrors, 'no_held_deletes'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/deletes/reject',
        operationId: 'rejectHeldDeletes',
        summary: 'Drop the held deletes: the files stay on both sides',
        tag: 'sync',
        auth: 'function',
        responses: { 202: { description: 'A run carrying the decision out was queued.', body: runStarted } },
        errors: [...driveErrors, 'no_held_deletes'],
    },
];
