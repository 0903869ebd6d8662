import { listDrives } from '../../drives/driveRepository';
import { hasGraphIdentity, type DriveRecord } from '../../drives/driveRecord';
import { loadIntegration } from '../../integration/integrationSettings';
import { readProperties } from '../../properties/properties';
import type { Logger } from '../../logging/logger';
import type { Services } from '../../runtime/services';
import { createRun, newRunId } from '../runs';
import { isFresh, listSchedule, type ScheduleEntry, updateSchedule } from './schedule';
import { sendSyncMessage } from './syncQueue';

export interface ScheduleResult {
    checked: number;
    enqueued: string[];
    /** Set while the integration has a configuration fault: no sync is scheduled until it is fixed. */
    waitingFor?: { code: string; nextCheckAt: string };
}

/**
 * The every-minute fan-out: one sync message per connected drive whose interval has passed since a
 * sync was last requested, unless one is already queued or running. Two table queries (drives, the
 * schedule partition) and, per due drive, three writes; no Graph call.
 *
 * While the integration has a credential fault (issue 20) nothing is scheduled: runs could only fail.
 * The cause is checked at growing intervals instead (1 minute, doubling, at most an hour), and once it
 * is gone every drive is connected again and syncs at once (lib/integration/credentialHealth.ts).
 */
export async function scheduleDueDrives(services: Services, now = Date.now(), log?: Logger): Promise<ScheduleResult> {
    const integration = await loadIntegration(services);
    if (!integration) return { checked: 0, enqueued: [] };
    const [drives, schedule, { properties }] = await Promise.all([
        listDrives(await services.tables.get('drives'), integration.id),
        listSchedule(services),
        readProperties(await services.tables.get('properties')),
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
    const due = drives.filter((d) => isDue(d, schedule.get(d.id), properties.SyncIntervalMinutes, now));
    const enqueued: string[] = [];
    for (const drive of due)
        if (await enqueueTimerRun(services, drive, properties.SyncIntervalMinutes, now)) enqueued.push(drive.id);
    return { checked: drives.length, enqueued };
}

export function isDue(
    drive: DriveRecord,
    entry: ScheduleEntry | undefined,
    defaultMinutes: number,
    now: number,
): boolean {
    if (drive.status !== 'connected' || !drive.graph || !hasGraphIdentity(drive)) return false;
    if (entry?.queued && isFresh(entry.queued.at, now)) return false;
    if (entry?.running && isFresh(entry.running.since, now)) return false;
    const minutes = drive.policies.syncIntervalMinutes ?? defaultMinutes;
    return !entry?.lastRequestedAt || now - Date.parse(entry.lastRequestedAt) >= minutes * 60_000;
}

/** Claims the drive's schedule row (a concurrent timer or "Sync now" may win), then enqueues. */
async function enqueueTimerRun(
    services: Services,
    drive: DriveRecord,
    defaultMinutes: number,
    now: number,
): Promise<boolean> {
    const at = new Date(now).toISOString();
    const queued = { runId: newRunId(now), at, trigger: 'timer' as const };
    let claimed = false;
    await updateSchedule(services, drive.id, (s) => {
        claimed = isDue(drive, s, defaultMinutes, now);
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
