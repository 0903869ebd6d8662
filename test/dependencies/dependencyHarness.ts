import { SecretClient } from '@azure/keyvault-secrets';
import { BlockBlobClient } from '@azure/storage-blob';
import { forgetCredentialValuesForTests } from '../../lib/credentials/msalCredential';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { AlertRecord } from '../../lib/alerts';
import { getServices, resetServicesForTests, type Services } from '../../lib/runtime/services';
import type { ScheduleEntry } from '../../lib/sync/engine/schedule';
import { listPlatformEntries } from '../../lib/sync/platform/platformListing';
import type { RunRecord } from '../../lib/sync/runs';
import { testHostJson } from '../host/hostFixture';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import type { ServiceEnvironmentOptions } from '../support/serviceEnvironment';

/**
 * The whole service on the local host (HTTP routes, the sync and transfer queues pumped as the host
 * does; timers only when a test fires them), the Microsoft 365 simulator with the demo tenant, the
 * Key Vault double and Azurite (or the fault proxy in front of it), for the dependency-fault suite.
 */
export interface FaultService extends ConnectedService {
    drive: DriveRecord;
    /** The vault as an administrator reaches it (az keyvault …), through the real SecretClient. */
    admin: SecretClient;
    services(): Promise<Services>;
}

export const CLIENT_SECRET_NAME = 'integration-default-client-secret';

export async function startFaultService(
    options: ServiceEnvironmentOptions & { logLines?: string[] } = {},
): Promise<FaultService> {
    const svc = await startConnectedService({
        // Fast redelivery (1 s visibility timeout), the shipped maxDequeueCount.
        hostJson: testHostJson({ visibilityTimeout: '00:00:01' }),
        ...options,
    });
    const configured = await svc.configure();
    if (configured.status >= 300)
        throw new Error(`configure answered ${configured.status}: ${JSON.stringify(configured.body)}`);
    const { drive } = await svc.connectDrive(
        { name: 'Adele OneDrive', kind: 'onedrive' },
        svc.sim.demo.users.adele.userPrincipalName,
    );
    if (drive.status !== 'connected') throw new Error(`the drive is ${drive.status}`);
    const admin = new SecretClient(
        svc.env.vault.url,
        { getToken: async () => ({ token: 'admin-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
        { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 1, retryDelayInMs: 10 } },
    );
    return { ...svc, drive, admin, services: () => getServices() };
}

/**
 * What a new function instance starts with (a restart, or a cold start on another instance): no cached
 * clients, no credential values read earlier. The reproduction restarts the service.
 */
export function newInstance(): void {
    forgetCredentialValuesForTests();
    resetServicesForTests();
}

export async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

export async function runsOf(svc: FaultService, driveId = svc.drive.id): Promise<RunRecord[]> {
    const res = await svc.env.api('GET', `/api/drives/${driveId}/runs?limit=100`);
    if (res.status !== 200) throw new Error(`runs answered ${res.status}: ${res.text}`);
    return (res.body as { value: RunRecord[] }).value;
}

export async function runFinished(svc: FaultService, runId: string, driveId = svc.drive.id): Promise<RunRecord> {
    return poll(`run ${runId} to finish`, async () => {
        const res = await svc.env.api('GET', `/api/drives/${driveId}/runs/${runId}`);
        const run = (res.body as { run?: RunRecord }).run;
        return run && ['succeeded', 'failed', 'held'].includes(run.status) ? run : undefined;
    });
}

export async function syncNow(svc: FaultService, driveId = svc.drive.id): Promise<string> {
    const res = await svc.env.api('POST', `/api/drives/${driveId}/sync`);
    if (res.status !== 202) throw new Error(`sync answered ${res.status}: ${res.text}`);
    return (res.body as { runId: string }).runId;
}

export async function alertsOf(svc: FaultService, state = 'open,acknowledged'): Promise<AlertRecord[]> {
    const res = await svc.env.api('GET', `/api/manage/alerts?state=${state}`);
    return (res.body as { value: AlertRecord[] }).value;
}

export async function scheduleOf(svc: FaultService, driveId = svc.drive.id): Promise<ScheduleEntry | undefined> {
    const { listSchedule } = await import('../../lib/sync/engine/schedule');
    return (await listSchedule(await svc.services())).get(driveId);
}

/** Messages in the sync queue, the delayed (invisible) ones included: a waiting retry shows here. */
export async function syncQueueDepth(svc: FaultService): Promise<number> {
    const s = await svc.services();
    const props = await s.storage.queue.getQueueClient(s.config.queues.sync).getProperties();
    return props.approximateMessagesCount ?? 0;
}

/** The drive's files in the platform store, and in OneDrive, as sorted drive-relative paths. */
export async function platformFiles(svc: FaultService, drive = svc.drive): Promise<string[]> {
    return (await listPlatformEntries(await svc.services(), drive))
        .filter((e) => !e.isFolder)
        .map((e) => e.path)
        .sort();
}

export function remoteFiles(svc: FaultService, drive = svc.drive): string[] {
    return svc.sim.graph
        .listTree(drive.graph!.driveId)
        .filter((i) => !i.isFolder)
        .map((i) => i.path.slice(1))
        .sort();
}

/** The first sync: every OneDrive file copied into the platform store. */
export async function firstSync(svc: FaultService): Promise<RunRecord> {
    const run = await runFinished(svc, await syncNow(svc));
    if (run.status !== 'succeeded') throw new Error(`the first sync ${run.status}: ${JSON.stringify(run.error)}`);
    const expected = remoteFiles(svc);
    await poll('the first sync to copy every file', async () =>
        (await platformFiles(svc)).length === expected.length ? true : undefined,
    );
    return run;
}

/** What the platform does to add a file: an upload slot (SAS), a PUT to Blob, then "complete". */
export async function uploadToPlatform(svc: FaultService, path: string, text: string): Promise<void> {
    const content = Buffer.from(text);
    const slot = await svc.env.api('POST', `/api/drives/${svc.drive.id}/uploads`, {
        body: { path, size: content.length, contentType: 'text/plain' },
    });
    if (slot.status !== 201) throw new Error(`uploads answered ${slot.status}: ${slot.text}`);
    const { uploadUrl, completeUrl } = slot.body as { uploadUrl: string; completeUrl: string };
    await new BlockBlobClient(uploadUrl).upload(content, content.length);
    const done = await svc.env.api('POST', completeUrl, { body: { path } });
    if (done.status !== 200) throw new Error(`uploads/complete answered ${done.status}: ${done.text}`);
}
