import { listDrives } from '../../drives/driveRepository';
import { hasGraphIdentity, type DriveRecord } from '../../drives/driveRecord';
import { loadIntegration } from '../../integration/integrationSettings';
import { readProperties } from '../../properties/properties';
import type { Logger } from '../../logging/logger';
import type { Services } from '../../runtime/services';
import { createRun, newRunId } from '../runs';
import { isFresh, listSchedule, type ScheduleEntry, updateSchedule } from './schedule';
import { sendSyncMessage } from './syncQueue';
import { mapLimited } from '../../notifications/concurrency';
import { listDriveNotifications } from '../../notifications/subscriptionStore';

export interface ScheduleResult {
    checked: number;
    enqueued: string[];
    /** Set while the integration has a configuration fault: no sync is scheduled until it is fixed. */
    waitingFor?: { code: string; nextCheckAt: string };
}

/**
 * How fast the fan-out goes. Each tick enqueues at most max(minPerTick, catchUp × drives / interval)
 * runs, the longest-waiting first: after a deployment or an outage every drive is due at once, and
 * instead of 10,000 runs in one minute (10,000 delta requests against a tenant budget of 1,250-6,250
 * resource units a minute, and a burst of instances) they spread over half an interval, and from then
 * on the drives stay spread (each is due one interval after its own last request).
 */
export const SCHEDULER_PACING = { minPerTick: 25, catchUp: 2, concurrency: 8 };

export function tickBudget(drives: number, intervalMinutes: number): number {
    return Math.max(SCHEDULER_PACING.minPerTick, Math.ceil((SCHEDULER_PACING.catchUp * drives) / intervalMinutes));
}

/**
 * The every-minute fan-out: one sync message per connected drive whose interval has passed since a
 * sync was last requested, unless one is already queued or running, paced (SCHEDULER_PACING). A drive
 * whose change notifications are active is left to them and to the daily sweep: the schedule only
 * gives it its first sync and a run when the platform uploaded through the API since its last
 * scheduled one (an idle drive then costs no delta request per hour). Three table queries (drives,
 * the schedule partition, the notification states) and, per due drive, three writes; no Graph call.
 *
 * While the integration has a credential fault (issue 20) nothing is scheduled: runs could only fail.
 * The cause is checked at growing intervals instead (1 minute, doubling, at most an hour), and once it
 * is gone every drive is connected again and syncs at once (lib/integration/credentialHealth.ts).
 */
export async function scheduleDueDrives(services: Services, now = Date.now(), log?: Logger): Promise<ScheduleResult> {
    const integration = await loadIntegration(services);
    if (!integration) return { checked: 0, enqueued: [] };
    const [drives, schedule, { properties }, notified] = await Promise.all([
        listDrives(await services.tables.get('drives'), integration.id),
        listSchedule(services),
        readProperties(await services.tables.get('properties')),
        notifiedDrives(services, now),
    ]);
    const { superviseCredentialFault } = await import('../../integration/credentialHealth');
    const supervision = await superviseCredentialFault(services, integration, drives, now, log);
    if (supervision.state === 'waiting')
        return {
            checked: drives.length,
            enqueued: [],
            waitingFor: { code: supervision.fault.code, nextCheckAt: supervision.fault.nextCheckAt },
        };
    if (supervision.state === 'recovered')
        return { checked: drives.length, enqueued: supervision.restored.filter((d) => d.graph).map((d) => d.id) };
    const interval = properties.SyncIntervalMinutes;
    const due = drives
        .filter((d) => isDue(d, schedule.get(d.id), interval, now, notified.has(d.id)))
        .sort((a, b) => waitingSince(schedule.get(a.id)) - waitingSince(schedule.get(b.id)))
        .slice(0, tickBudget(drives.length, interval));
    const results = await mapLimited(due, SCHEDULER_PACING.concurrency, (drive) =>
        enqueueTimerRun(services, drive, interval, now, notified.has(drive.id)),
    );
    const enqueued = due.filter((_, i) => {
        const r = results[i]!;
        if (r.status === 'rejected') log?.warn('Scheduling a drive failed', { driveId: due[i]!.id });
        return r.status === 'fulfilled' && r.value;
    });
    // A storage fault fails the tick as before (the next tick retries); one drive's failure does not.
    if (enqueued.length === 0 && results.some((r) => r.status === 'rejected'))
        throw (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    return { checked: drives.length, enqueued: enqueued.map((d) => d.id) };
}

/** Never requested first, then the drive that has waited longest. */
function waitingSince(entry: ScheduleEntry | undefined): number {
    return entry?.lastRequestedAt ? Date.parse(entry.lastRequestedAt) : 0;
}

/** Drives whose change notifications are active (one query of the notification states). */
async function notifiedDrives(services: Services, now: number): Promise<Set<string>> {
    const states = await listDriveNotifications(await services.tables.get('subscriptions'));
    const out = new Set<string>();
    for (const [id, s] of states)
        if (s.state === 'active' && (!s.expiresAt || Date.parse(s.expiresAt) > now)) out.add(id);
    return out;
}

export function isDue(
    drive: DriveRecord,
    entry: ScheduleEntry | undefined,
    defaultMinutes: number,
    now: number,
    notified = false,
): boolean {
    if (drive.status !== 'connected' || !drive.graph || !hasGraphIdentity(drive)) return false;
    if (entry?.queued && isFresh(entry.queued.at, now)) return false;
    if (entry?.running && isFresh(entry.running.since, now)) return false;
    // Notifications bring SharePoint's changes; the schedule still brings the platform's uploads.
    if (
        notified &&
        entry?.lastRequestedAt &&
        !(entry.platformChangedAt && entry.platformChangedAt > entry.lastRequestedAt)
    )
        return false;
    const minutes = drive.policies.syncIntervalMinutes ?? defaultMinutes;
    return !entry?.lastRequestedAt || now - Date.parse(entry.lastRequestedAt) >= minutes * 60_000;
}

/** Claims the drive's schedule row (a concurrent timer or "Sync now" may win), then enqueues. */
async function enqueueTimerRun(
    services: Services,
    drive: DriveRecord,
    defaultMinutes: number,
    now: number,
    notified: boolean,
): Promise<boolean> {
    const at = new Date(now).toISOString();
    const queued = { runId: newRunId(now), at, trigger: 'timer' as const };
    let claimed = false;
    await updateSchedule(services, drive.id, (s) => {
        claimed = isDue(drive, s, defaultMinutes, now, notified);
        return claimed
            ? { ...(s ?? { driveId: drive.id, integrationId: drive.integrationId }), queued, lastRequestedAt: at }
            : undefined;
    });
    if (!claimed) return false;
    await createRun(services, {
        runId: queued.runId,
        driveId: drive.id,
        integrationId: drive.integrationId,
        trigger: 'timer',
        dryRun: false,
        status: 'queued',
        queuedAt: at,
    });
    await sendSyncMessage(services, {
        kind: 'sync',
        integrationId: drive.integrationId,
        driveId: drive.id,
        trigger: 'timer',
        runId: queued.runId,
        requestedAt: at,
    });
    return true;
}
