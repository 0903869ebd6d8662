import { requireDrive } from '../../drives/driveRepository';
import { ApiError } from '../../http/apiError';
import { requireIntegration } from '../../integration/integrationSettings';
import type { Services } from '../../runtime/services';
import type { SyncMessage } from '../contracts';
import { createRun, newRunId, updateRun } from '../runs';
import { isFresh, updateSchedule } from './schedule';
import { sendSyncMessage } from './syncQueue';

export interface SyncRequest {
    runId: string;
    /** False when a run was already queued or running: its id is returned instead of a new one. */
    created: boolean;
    status: 'queued' | 'running';
}

/**
 * "Sync now": queues one run, or returns the run already queued or running (a double click is one
 * run). The schedule row is claimed first (ETag-conditional), so two concurrent requests agree on one
 * run id; only the winner writes the run record and sends the message.
 */
export async function requestSync(
    services: Services,
    driveId: string,
    options: { dryRun?: boolean; trigger?: SyncMessage['trigger'] } = {},
): Promise<SyncRequest> {
    const integration = await requireIntegration(services);
    const { drive } = await requireDrive(await services.tables.get('drives'), integration.id, driveId);
    if (drive.status !== 'connected' || !drive.graph) {
        throw new ApiError(
            409,
            'drive_not_connected',
            `The drive is ${drive.status.replace('_', ' ')}, so it cannot sync.`,
            drive.statusCause?.hint ?? 'Connect the drive (and choose its library) first.',
        );
    }
    const now = new Date().toISOString();
    const trigger = options.trigger ?? 'manual';
    const fresh = { runId: newRunId(), at: now, trigger, ...(options.dryRun ? { dryRun: true } : {}) };
    let existing: SyncRequest | undefined;
    await updateSchedule(services, driveId, (s) => {
        existing = undefined;
        if (s?.running && isFresh(s.running.since))
            existing = { runId: s.running.runId, created: false, status: 'running' };
        else if (s?.queued && isFresh(s.queued.at))
            existing = { runId: s.queued.runId, created: false, status: 'queued' };
        if (existing) return undefined;
        return { ...(s ?? { driveId, integrationId: integration.id }), queued: fresh, lastRequestedAt: now };
    });
    if (existing) return existing;
    const run = {
        runId: fresh.runId,
        driveId,
        integrationId: integration.id,
        trigger,
        dryRun: !!options.dryRun,
        status: 'queued' as const,
        queuedAt: now,
    };
    let recorded = false;
    try {
        await createRun(services, run);
        recorded = true;
        await sendSyncMessage(services, {
            kind: 'sync',
            integrationId: integration.id,
            driveId,
            trigger,
            runId: fresh.runId,
            requestedAt: now,
            ...(options.dryRun ? { dryRun: true } : {}),
        });
    } catch (e) {
        // Storage failed half-way (the caller gets the fault): take the claim back, so the next request
        // and the scheduler are not answered with a run that will never happen. Best effort.
        await updateSchedule(services, driveId, (s) =>
            s?.queued?.runId === fresh.runId ? { ...s, queued: undefined } : undefined,
        ).catch(() => undefined);
        if (recorded)
            await updateRun(services, run, {
                status: 'failed',
                finishedAt: new Date().toISOString(),
                error: { code: 'not_queued', message: 'The sync could not be queued.', retryable: true },
            }).catch(() => undefined);
        throw e;
    }
    return { runId: fresh.runId, created: true, status: 'queued' };
}
