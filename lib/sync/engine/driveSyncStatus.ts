import { hasGraphIdentity, type DriveRecord } from '../../drives/driveRecord';
import type { Services } from '../../runtime/services';
import type { SyncMessage } from '../contracts';
import { getRun } from '../runs';
import { isFresh, summariseRun, type LastRunSummary, type ScheduleEntry } from './schedule';

/**
 * How a drive is doing, as GET /api/drives shows it: its last finished run, the run queued or in
 * progress, and when the scheduler will start the next one. Read from the drive's schedule row (one
 * query for every drive), which each run updates as it finishes (runSync.ts afterRun).
 */
export interface DriveSyncStatus {
    /** Minutes between scheduled runs: the drive's own policy, else the SyncIntervalMinutes property. */
    intervalMinutes: number;
    lastRun?: LastRunSummary;
    currentRun?: { runId: string; status: 'queued' | 'running'; since: string; trigger?: SyncMessage['trigger'] };
    /**
     * When the next run starts: the queued run's time, else the last request plus the interval (the
     * scheduler checks every minute). Absent while the drive cannot sync (its status says why).
     */
    nextRunAt?: string;
    /** Consecutive failed runs (the retry backoff counts them; an alert is raised at the cap). */
    failures?: { count: number; code: string; since: string };
}

export function driveSyncStatus(
    drive: DriveRecord,
    entry: ScheduleEntry | undefined,
    defaultMinutes: number,
    now = Date.now(),
): DriveSyncStatus {
    const intervalMinutes = drive.policies.syncIntervalMinutes ?? defaultMinutes;
    const running = entry?.running && isFresh(entry.running.since, now) ? entry.running : undefined;
    const queued = entry?.queued && isFresh(entry.queued.at, now) ? entry.queued : undefined;
    const currentRun = running
        ? { runId: running.runId, status: 'running' as const, since: running.since }
        : queued
          ? { runId: queued.runId, status: 'queued' as const, since: queued.at, trigger: queued.trigger }
          : undefined;
    const canSync = drive.status === 'connected' && !!drive.graph && hasGraphIdentity(drive);
    return {
        intervalMinutes,
        ...(entry?.lastFinished ? { lastRun: entry.lastFinished } : {}),
        ...(currentRun ? { currentRun } : {}),
        ...(canSync ? { nextRunAt: nextRunAt(entry, queued, intervalMinutes, now) } : {}),
        ...(entry?.failures ? { failures: entry.failures } : {}),
    };
}

function nextRunAt(
    entry: ScheduleEntry | undefined,
    queued: ScheduleEntry['queued'],
    intervalMinutes: number,
    now: number,
): string {
    if (queued) return queued.at;
    const due = entry?.lastRequestedAt ? Date.parse(entry.lastRequestedAt) + intervalMinutes * 60_000 : now;
    return new Date(Math.max(due, now)).toISOString();
}

/**
 * Rows written before runs left their summary there hold only the run id, time and status: the rest
 * comes from the run record (one read, once per such drive until its next run).
 */
export async function completeLastRun(services: Services, driveId: string, status: DriveSyncStatus): Promise<void> {
    const last = status.lastRun;
    if (!last || last.trigger) return;
    const run = await getRun(services, driveId, last.runId).catch(() => undefined);
    if (run) status.lastRun = summariseRun(run);
}
