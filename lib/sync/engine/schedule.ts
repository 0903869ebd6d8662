import type { Services } from '../../runtime/services';
import type { SyncMessage } from '../contracts';
import type { RunRecord } from '../runs/runRecord';
import { readDocument, updateDocument } from '../runs/tableDocument';

/**
 * Per drive, what the scheduler and "Sync now" need to know without touching Graph: the run waiting in
 * the queue, the run in progress, and when a sync was last requested. All drives' rows share one
 * partition, so the scheduler reads them with one query.
 */
export interface ScheduleEntry {
    driveId: string;
    integrationId: string;
    queued?: { runId: string; at: string; trigger: SyncMessage['trigger']; dryRun?: boolean };
    running?: { runId: string; since: string };
    lastRequestedAt?: string;
    /** When the platform last wrote through the API (platformChanges.ts): a notified drive's schedule waits for it. */
    platformChangedAt?: string;
    /** The last run that finished, summarised so a drive's state reads from this row alone (driveSyncStatus.ts). */
    lastFinished?: LastRunSummary;
    /** Consecutive failed runs (reset by a run that finishes): what the retry backoff and its cap count. */
    failures?: { count: number; code: string; since: string };
}

/** What GET /api/drives shows of a drive's last run; older rows have only runId, at and status. */
export interface LastRunSummary {
    runId: string;
    /** When it finished. */
    at: string;
    status: string;
    trigger?: SyncMessage['trigger'];
    startedAt?: string;
    durationMs?: number;
    dryRun?: boolean;
    firstSync?: boolean;
    /** Planned actions per kind. */
    counts?: Record<string, number>;
    /** Per-item outcomes per status. */
    outcomes?: Record<string, number>;
    transfersEnqueued?: number;
    error?: { code: string; message: string; hint?: string };
}

/** The summary a finished run leaves on its drive's schedule row. */
export function summariseRun(run: RunRecord): LastRunSummary {
    return {
        runId: run.runId,
        at: run.finishedAt ?? new Date().toISOString(),
        status: run.status,
        trigger: run.trigger,
        ...(run.startedAt ? { startedAt: run.startedAt } : {}),
        ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
        ...(run.dryRun ? { dryRun: true } : {}),
        ...(run.firstSync ? { firstSync: true } : {}),
        ...(run.counts ? { counts: run.counts } : {}),
        ...(run.outcomes ? { outcomes: run.outcomes as Record<string, number> } : {}),
        ...(run.transfersEnqueued !== undefined ? { transfersEnqueued: run.transfersEnqueued } : {}),
        ...(run.error
            ? {
                  error: {
                      code: run.error.code,
                      message: run.error.message,
                      ...(run.error.hint ? { hint: run.error.hint } : {}),
                  },
              }
            : {}),
    };
}

/**
 * A failed run that may succeed later (a transient fault) comes back after an exponential backoff —
 * 5 s, 10 s, 20 s, 40 s (at least its Retry-After, at most 15 minutes) — and after MAX_FAILURES failed
 * runs in a row the retries stop and an alert is raised; the drive then syncs at its schedule only. A
 * configuration fault is never retried here (retryable: false). Tests shrink the delays with
 * configureRunRetryForTests; the sequence and the cap stay.
 */
export const RUN_RETRY = { firstDelaySeconds: 5, maxDelaySeconds: 900, maxFailures: 5 };

/** Seconds until the retry after the `failures`-th failure in a row, or undefined: the cap is reached. */
export function retryDelaySeconds(failures: number, retryAfterSeconds = 0): number | undefined {
    if (failures >= RUN_RETRY.maxFailures) return undefined;
    const backoff = RUN_RETRY.firstDelaySeconds * 2 ** Math.max(0, failures - 1);
    return Math.min(Math.max(backoff, retryAfterSeconds), RUN_RETRY.maxDelaySeconds);
}

export function configureRunRetryForTests(policy: Partial<typeof RUN_RETRY>): () => void {
    const saved = { ...RUN_RETRY };
    Object.assign(RUN_RETRY, policy);
    return () => Object.assign(RUN_RETRY, saved);
}

/** The failure count after a run: one more for a failure, none once a run finishes. */
export function countFailures(
    previous: ScheduleEntry['failures'],
    run: { status: string; error?: { code: string } },
    at: string,
): ScheduleEntry['failures'] {
    if (run.status !== 'failed') return undefined;
    return { count: (previous?.count ?? 0) + 1, code: run.error?.code ?? 'unknown', since: previous?.since ?? at };
}

export const SCHEDULE_PARTITION = 'schedule';
/** A queued or running mark older than the function timeout (30 min) belongs to a lost message or a dead instance. */
export const STALE_MS = 35 * 60_000;

export function isFresh(at: string | undefined, now = Date.now()): boolean {
    return !!at && now - Date.parse(at) < STALE_MS;
}

export async function updateSchedule(
    services: Services,
    driveId: string,
    change: (current: ScheduleEntry | undefined) => ScheduleEntry | undefined,
): Promise<ScheduleEntry | undefined> {
    return updateDocument<ScheduleEntry>(await services.tables.get('syncState'), SCHEDULE_PARTITION, driveId, change);
}

/**
 * Every drive's schedule row. A row that no longer parses (a corrupt row) is deleted: it only holds
 * marks the scheduler can rebuild (what is queued or running, when a sync was last requested), so
 * the drive is simply due again, instead of one bad row stopping the fan-out for every drive.
 */
export async function listSchedule(services: Services): Promise<Map<string, ScheduleEntry>> {
    const table = await services.tables.get('syncState');
    const out = new Map<string, ScheduleEntry>();
    for await (const row of table.listEntities<{ rowKey: string; document: string; etag: string }>({
        queryOptions: { filter: `PartitionKey eq '${SCHEDULE_PARTITION}'` },
    })) {
        const entry = parseEntry(row.document);
        if (entry) out.set(row.rowKey, entry);
        else await table.deleteEntity(SCHEDULE_PARTITION, row.rowKey, { etag: row.etag }).catch(() => undefined);
    }
    return out;
}

/** Every drive's schedule row, read only (for views: a corrupt row is left to the scheduler). */
export async function readSchedule(services: Services): Promise<Map<string, ScheduleEntry>> {
    const table = await services.tables.get('syncState');
    const out = new Map<string, ScheduleEntry>();
    for await (const row of table.listEntities<{ rowKey: string; document: string }>({
        queryOptions: { filter: `PartitionKey eq '${SCHEDULE_PARTITION}'` },
    })) {
        const entry = parseEntry(row.document);
        if (entry) out.set(row.rowKey, entry);
    }
    return out;
}

/** One drive's schedule row, read only. */
export async function readScheduleEntry(services: Services, driveId: string): Promise<ScheduleEntry | undefined> {
    const found = await readDocument<ScheduleEntry>(
        await services.tables.get('syncState'),
        SCHEDULE_PARTITION,
        driveId,
    );
    return found?.value;
}

function parseEntry(document: string | undefined): ScheduleEntry | undefined {
    try {
        const entry = JSON.parse(document ?? '') as ScheduleEntry;
        return entry && typeof entry === 'object' && typeof entry.driveId === 'string' ? entry : undefined;
    } catch {
        return undefined;
    }
}
