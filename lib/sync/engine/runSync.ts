import { getHeapStatistics } from 'node:v8';
import { getDrive } from '../../drives/driveRepository';
import { hasGraphIdentity, type DriveRecord } from '../../drives/driveRecord';
import { loadIntegration } from '../../integration/integrationSettings';
import { withContext, type Logger } from '../../logging/logger';
import { flushTelemetry, recordMetric } from '../../telemetry/telemetry';
import type { Services } from '../../runtime/services';
import type { SyncMessage } from '../contracts';
import { getRun, newRunId, OutcomeWriter, runIdForDelivery, updateRun, type RunRecord } from '../runs';
import { defaultDeps, type SyncDeps } from './deps';
import { markSyncRequestsServed } from '../../notifications/syncRequests';
import { acquireLease, LEASE_MS, type DriveLease } from './lease';
import { markDriveIfSignInLost } from './markUnhealthy';
import { PhaseTimer } from './phaseTimer';
import { reconcile } from './reconcile';
import {
    countFailures,
    isFresh,
    retryDelaySeconds,
    summariseRun,
    type ScheduleEntry,
    updateSchedule,
} from './schedule';
import { reportRunFault, reportRunOutcome, runError } from './syncErrors';
import { sendSyncMessage } from './syncQueue';
import { emitSignal } from '../../monitoring/signals';

export type SyncResult =
    | { outcome: 'ran'; run: RunRecord }
    /** Another run holds the drive's lease: this message is absorbed (a follow-up runs after it). */
    | { outcome: 'busy'; heldBy: string }
    /** A redelivery of a run that already finished, or a drive that cannot sync. */
    | { outcome: 'ignored'; reason: string; run?: RunRecord };

export interface RunSyncOptions {
    deps?: Partial<SyncDeps>;
    log?: Logger;
    leaseMs?: number;
    /** Items per batch of a large first sync (firstSyncInBatches.ts); tests make it small. */
    firstSyncBatch?: number;
    /**
     * The queue message's id. A message without a run id (a webhook's or a sweep's) takes its run id
     * from it, so a delivery after a crash is the same run: it resumes once the dead holder's lease has
     * lapsed, instead of being absorbed behind a holder that will never hand over.
     */
    deliveryId?: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'held']);

/** Handles one sync message end to end: lease → reconcile → run record → release → follow-up. */
export async function runSync(
    services: Services,
    message: SyncMessage,
    options: RunSyncOptions = {},
): Promise<SyncResult> {
    const runId =
        message.runId ?? (options.deliveryId ? runIdForDelivery(message.requestedAt, options.deliveryId) : newRunId());
    // Every line of this run says which drive and run it is about (custom dimensions).
    if (options.log)
        options = {
            ...options,
            log: withContext(options.log, { operation: 'sync.run', driveId: message.driveId, runId }),
        };
    const base: RunRecord = {
        runId,
        driveId: message.driveId,
        integrationId: message.integrationId,
        trigger: message.trigger,
        dryRun: !!message.dryRun,
        status: 'queued',
        queuedAt: message.requestedAt,
    };
    const existing = message.runId || options.deliveryId ? await getRun(services, message.driveId, runId) : undefined;
    if (existing && FINISHED.has(existing.status))
        return { outcome: 'ignored', reason: 'run_already_finished', run: existing };
    const drive = await loadDrive(services, message);
    if (!drive) return { outcome: 'ignored', reason: 'drive_not_ready', run: await failUnready(services, base) };
    const timer = new PhaseTimer();
    const taken = await timer.time('lease', () => acquireLease(services, drive.id, runId, options.leaseMs));
    if ('heldBy' in taken) {
        if (taken.heldBy !== runId) await awaitTurn(services, drive, message, runId, taken.heldBy);
        // This very run holds the lease from an earlier delivery: its instance died, or lost the message
        // while still running. Either way it comes back once that lease has lapsed: a live holder renews
        // it and finishes the run (this delivery is then ignored), a dead one no longer does.
        else await sendSyncMessage(services, { ...message, runId }, LEASE_MS / 1000 + 1);
        return { outcome: 'busy', heldBy: taken.heldBy };
    }
    // Who holds which drive, when: what shows that two runs of one drive never overlap across instances.
    options.log?.info('Sync lease taken', { driveId: drive.id, runId, pid: process.pid });
    // This run sees every change made until now: a webhook message still waiting is served by it.
    await markSyncRequestsServed(services, drive.id).catch(() => undefined);
    return { outcome: 'ran', run: await runUnderLease(services, drive, base, taken.lease, timer, options) };
}

async function runUnderLease(
    services: Services,
    drive: DriveRecord,
    base: RunRecord,
    lease: DriveLease,
    timer: PhaseTimer,
    options: RunSyncOptions,
): Promise<RunRecord> {
    const startedAt = new Date();
    let run: RunRecord = base;
    let retryAfterSeconds: number | undefined;
    let unrecorded: unknown;
    try {
        await markRunning(services, drive, base.runId, startedAt);
        run = await updateRun(services, base, { status: 'running', startedAt: startedAt.toISOString() });
        const deps = { ...(await defaultDeps()), ...options.deps };
        const integration = (await loadIntegration(services, drive.integrationId))!;
        const writer = new OutcomeWriter(services, drive.id, base.runId);
        const result = await reconcile({
            services,
            deps,
            integration,
            drive,
            runId: base.runId,
            dryRun: base.dryRun,
            trigger: base.trigger,
            lease,
            timer,
            firstSyncBatch: options.firstSyncBatch,
            outcomes: writer,
        });
        await timer.time('record', () => writer.write(result.outcomes));
        run = await finish(services, run, startedAt, timer, {
            ...result.record,
            status: result.record.heldDeletes ? 'held' : 'succeeded',
            outcomes: writer.counts,
        });
        options.log?.info('Sync run finished', {
            driveId: drive.id,
            runId: base.runId,
            status: run.status,
            counts: run.counts,
        });
    } catch (e) {
        const error = runError(e);
        // A throttle was recorded for every instance by the Graph client's gate when it was met.
        retryAfterSeconds = error.retryable ? (error.retryAfterSeconds ?? 0) : undefined;
        options.log?.warn('Sync run failed', { driveId: drive.id, runId: base.runId, error });
        await markDriveIfSignInLost(services, drive, e, options.log).catch(() => undefined);
        await reportRunFault(services, drive, e, options.log);
        const { retryAfterSeconds: _omit, ...recorded } = error;
        run = await finish(services, run, startedAt, timer, { status: 'failed', error: recorded }).catch((f) => {
            unrecorded = f;
            return run;
        });
    } finally {
        // Logged before the release: from here on this run writes nothing under the lease.
        options.log?.info('Sync lease releasing', { driveId: drive.id, runId: base.runId, pid: process.pid });
        await lease.release().catch(() => undefined);
    }
    // Storage failed before the run could record how it ended: the queue delivers the message again
    // (the same run id resumes), rather than leaving a run "running" for ever.
    if (unrecorded) throw unrecorded;
    emitSignal(options.log, 'run_finished', {
        driveId: drive.id,
        runId: run.runId,
        status: run.status,
        trigger: run.trigger,
        ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    });
    recordRunMetrics(run, startedAt);
    await afterRun(services, drive, run, retryAfterSeconds, options.log);
    // The instance may be frozen once this invocation returns: the run's figures (and the transfers'
    // recorded on this instance since the last export) leave now rather than at the next interval.
    await flushTelemetry();
    return run;
}

/**
 * Runs by outcome and trigger, their duration, the instance's memory, and how long a change
 * notification waited for its run. Node sizes its heap from the memory the instance may use: the
 * heap limit tells an operator whether it did (≈ 1 GiB on a 2,048 MB instance), and the peak RSS how
 * close the runs come to the instance's memory.
 */
function recordRunMetrics(run: RunRecord, startedAt: Date): void {
    const dimensions = { outcome: run.status, trigger: run.trigger };
    recordMetric('sync.runs', 1, dimensions);
    if (run.durationMs !== undefined) recordMetric('sync.run.duration', run.durationMs, dimensions);
    recordMetric('sync.run.memory', Math.round(process.resourceUsage().maxRSS / 1024), {
        heapLimitMiB: String(Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024)),
    });
    if (run.trigger === 'webhook')
        recordMetric('sync.notification.delay', startedAt.getTime() - Date.parse(run.queuedAt), {});
}

function finish(
    services: Services,
    run: RunRecord,
    startedAt: Date,
    timer: PhaseTimer,
    patch: Partial<RunRecord>,
): Promise<RunRecord> {
    const finishedAt = new Date();
    return updateRun(services, run, {
        ...patch,
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        timings: timer.timings,
    });
}

async function markRunning(services: Services, drive: DriveRecord, runId: string, at: Date): Promise<void> {
    await updateSchedule(services, drive.id, (s) => ({
        ...(s ?? { driveId: drive.id, integrationId: drive.integrationId }),
        running: { runId, since: at.toISOString() },
        queued: s?.queued?.runId === runId ? undefined : s?.queued,
        lastRequestedAt: s?.lastRequestedAt ?? at.toISOString(),
    }));
}

/**
 * Clears the running mark; a sync requested meanwhile (absorbed as busy) runs now, and a retryable
 * failure comes back after an exponential backoff (at least its Retry-After; the cursor kept its
 * place, so little is repeated) until the cap, then an alert (schedule.ts RUN_RETRY, syncErrors.ts).
 */
async function afterRun(
    services: Services,
    drive: DriveRecord,
    run: RunRecord,
    retryAfterSeconds: number | undefined,
    log?: Logger,
): Promise<void> {
    let followUp: SyncMessage | undefined;
    let delay = 0;
    let failures: ScheduleEntry['failures'];
    let previousFailures: ScheduleEntry['failures'];
    let gaveUp = false;
    await updateSchedule(services, drive.id, (s) => {
        followUp = undefined;
        gaveUp = false;
        const next = { ...(s ?? { driveId: drive.id, integrationId: drive.integrationId }) };
        if (next.running?.runId === run.runId) next.running = undefined;
        next.lastFinished = summariseRun(run);
        previousFailures = s?.failures;
        failures = next.failures = countFailures(s?.failures, run, next.lastFinished.at);
        if (next.queued && next.queued.runId !== run.runId && isFresh(next.queued.at)) {
            followUp = {
                kind: 'sync',
                integrationId: drive.integrationId,
                driveId: drive.id,
                trigger: next.queued.trigger,
                runId: next.queued.runId,
                requestedAt: next.queued.at,
                ...(next.queued.dryRun ? { dryRun: true } : {}),
            };
        } else if (retryAfterSeconds !== undefined) {
            const seconds = retryDelaySeconds(failures?.count ?? 1, retryAfterSeconds);
            if (seconds === undefined) {
                gaveUp = true;
                return next;
            }
            const runId = newRunId();
            delay = seconds;
            next.queued = { runId, at: new Date().toISOString(), trigger: 'retry' };
            followUp = {
                kind: 'sync',
                integrationId: drive.integrationId,
                driveId: drive.id,
                trigger: 'retry',
                runId,
                requestedAt: next.queued.at,
            };
        }
        return next;
    });
    if (followUp) await sendSyncMessage(services, followUp, delay);
    await reportRunOutcome(services, drive, run, { gaveUp, failures, previousFailures }, log);
}

/** Another run has the lease: remember this request so that run re-enqueues it when it finishes. */
async function awaitTurn(
    services: Services,
    drive: DriveRecord,
    message: SyncMessage,
    runId: string,
    heldBy: string,
): Promise<void> {
    let orphaned = false;
    await updateSchedule(services, drive.id, (s) => {
        const next = { ...(s ?? { driveId: drive.id, integrationId: drive.integrationId }) };
        // The holder already finished but could not release its lease (storage failed as it ended):
        // it will not pick this request up, so the request comes back once that lease has expired.
        orphaned = next.running?.runId !== heldBy;
        if (next.queued && isFresh(next.queued.at) && next.queued.runId !== runId) {
            orphaned = false;
            return next;
        }
        if (next.queued?.runId === runId && isFresh(next.queued.at)) return undefined;
        return {
            ...next,
            queued: {
                runId,
                at: new Date().toISOString(),
                trigger: message.trigger,
                ...(message.dryRun ? { dryRun: true } : {}),
            },
        };
    });
    if (orphaned) await sendSyncMessage(services, { ...message, runId }, LEASE_MS / 1000 + 1);
}

async function loadDrive(services: Services, message: SyncMessage): Promise<DriveRecord | undefined> {
    const integration = await loadIntegration(services, message.integrationId);
    if (!integration) return undefined;
    const found = await getDrive(await services.tables.get('drives'), integration.id, message.driveId);
    return found && found.drive.status === 'connected' && found.drive.graph && hasGraphIdentity(found.drive)
        ? found.drive
        : undefined;
}

async function failUnready(services: Services, base: RunRecord): Promise<RunRecord> {
    await updateSchedule(services, base.driveId, (s) =>
        s?.queued?.runId === base.runId ? { ...s, queued: undefined } : undefined,
    );
    const now = new Date().toISOString();
    // The drive's own state says why (credential_unavailable, needs_reauth…) and what to do.
    const found = await getDrive(await services.tables.get('drives'), base.integrationId, base.driveId);
    const cause = found?.drive.statusCause;
    const failed: Partial<RunRecord> = {
        status: 'failed',
        finishedAt: now,
        error: {
            code: 'drive_not_ready',
            message: cause
                ? `The drive is ${found!.drive.status.replace(/_/g, ' ')} (${cause.code}): ${cause.message}`
                : 'The drive is not connected (or was removed), so it was not synced.',
            hint: cause?.hint ?? 'Check GET /api/drives/{id}: reconnect it or choose its library.',
            retryable: false,
        },
    };
    // A removed drive: its state is purged (drives/purgeDrive.ts), and nobody can read its runs any
    // more. A message still queued for it writes nothing back.
    if (!found) return { ...base, ...failed };
    return updateRun(services, base, failed);
}
