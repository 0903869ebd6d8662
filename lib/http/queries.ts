import { z } from 'zod';
import { OUTCOME_STATUSES } from '../sync/contracts';
import type { TransferPhase } from '../sync/state/transferPhase';
import { describeQuery, flagQuery, intQuery, textQuery } from './query';

/**
 * The query parameters of every route, in one place: handlers parse with these (`readQuery`), the
 * route table (lib/openapi/routes) describes them from the same objects.
 */
const refresh = flagQuery();

export const driveQuery = describeQuery(z.object({ refresh }), {
    refresh: 'true: check the account and library live.',
});

export const statusQuery = describeQuery(z.object({ refresh }), {
    refresh: 'true: verify every checkpoint live now (otherwise a result up to 5 minutes old may be returned).',
});

export const syncNowQuery = describeQuery(z.object({ dryRun: flagQuery() }), {
    dryRun: "true: plan only, apply nothing; the plan is the run's outcomes.",
});

export const runsQuery = describeQuery(z.object({ limit: intQuery(1, 100, 20), continuationToken: textQuery() }), {
    limit: 'Runs per page (1–100, default 20).',
    continuationToken: 'From the previous page.',
});

export const runQuery = describeQuery(
    z.object({
        status: z.enum(OUTCOME_STATUSES).optional(),
        q: textQuery(400),
        limit: intQuery(1, 1000, 200),
        offset: intQuery(0, 10_000_000, 0),
    }),
    {
        status: 'Only outcomes with this status.',
        q: 'Only outcomes whose path contains this text (case-insensitive).',
        limit: 'Outcomes per page (1–1000, default 200).',
        offset: 'Outcomes to skip.',
    },
);

export const alertsQuery = describeQuery(z.object({ state: textQuery(100) }), {
    state: 'open, acknowledged, resolved or all (comma-separated); default open,acknowledged.',
});

export const siteSearchQuery = describeQuery(
    z.object({ search: textQuery(255), driveId: z.string().min(1).max(200) }),
    {
        search: 'Search text (default *).',
        driveId: 'The drive whose account searches (the sites that account can see).',
    },
);

export const libraryQuery = describeQuery(z.object({ driveId: z.string().min(1).max(200) }), {
    driveId: "The drive whose account lists the site's libraries.",
});

const path = z.string().max(2048);

export const folderQuery = describeQuery(
    z.object({ path: path.optional(), pageSize: intQuery(1, 1000, 200), continuationToken: textQuery() }),
    {
        path: 'Drive-relative folder path, "/"-separated (empty or absent for the root).',
        pageSize: 'Items per page (1–1000, default 200).',
        continuationToken: 'From the previous page.',
    },
);

export const fileQuery = describeQuery(z.object({ path }), {
    path: 'Drive-relative file path, "/"-separated.',
});

export const changesQuery = describeQuery(z.object({ cursor: textQuery(32), limit: intQuery(1, 1000, 100) }), {
    cursor: "From the previous page's `cursor` (or an event's): the changes after it. Absent: from the oldest kept change.",
    limit: 'Changes per page (1–1000, default 100).',
});

const PHASE = '(active|queued|retrying|failed|skipped|done)';

export const transfersQuery = describeQuery(
    z.object({
        state: z
            .string()
            .regex(
                new RegExp(`^${PHASE}(,${PHASE})*$`),
                'Expected states from active, queued, retrying, failed, skipped, done, comma-separated.',
            )
            .max(200)
            .optional()
            .transform((v) => (v ? ([...new Set(v.split(','))] as TransferPhase[]) : undefined)),
        runId: z
            .string()
            .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'Expected a run id (GET /api/drives/{driveId}/runs).')
            .optional(),
        limit: intQuery(1, 200, 50),
        continuationToken: textQuery(),
    }),
    {
        state: 'Only these states, comma-separated (active, queued, retrying, failed, skipped, done). Default: all but done transfers older than 24 hours.',
        runId: "Only this run's transfers, with a summary: files done of files planned.",
        limit: 'Transfers per page (1–200, default 50).',
        continuationToken: 'From the previous page.',
    },
);
