import { scheduleDueDrives } from '../../lib/sync/engine';
import { configureRunRetryForTests } from '../../lib/sync/engine/schedule';
import type { RunRecord } from '../../lib/sync/runs';
import {
    alertsOf,
    firstSync,
    platformFiles,
    poll,
    remoteFiles,
    runsOf,
    scheduleOf,
    startFaultService,
    syncNow,
    syncQueueDepth,
    uploadToPlatform,
    type FaultService,
} from './dependencyHarness';
import { startPrivateStorage, type PrivateStorage } from './storageHarness';

/**
 * Storage under the service failing: Table Storage throttling (503 ServerBusy, 500 OperationTimedOut,
 * injected by the fault proxy as Storage answers them) and Azurite stopped and started again in the
 * middle of a sync and of transfers. Whatever happens, nothing is lost or duplicated (the platform
 * store and OneDrive end with the same files, each once), retries are bounded, and the service
 * recovers by itself once storage answers again.
 */
let storage: PrivateStorage;
let svc: FaultService;
const logLines: string[] = [];

beforeAll(async () => {
    storage = await startPrivateStorage();
    svc = await startFaultService({
        settings: { SyncStorage: storage.proxy.connectionString },
        // A message whose settling failed (storage down) comes back after 5 s, not the host's 10 minutes.
        queueLeaseSeconds: 5,
        logLines,
    });
    await firstSync(svc);
}, 180_000);

afterAll(async () => {
    await svc?.stop();
    await storage?.stop();
});

afterEach(async () => {
    storage.proxy.clear();
    await storage.startAzurite();
});

/** Both sides hold the same files, each exactly once (no "name 1.txt" copies, nothing missing). */
async function converged(expectedNew: string[]): Promise<void> {
    await poll(
        'both sides to hold the same files',
        async () => {
            const remote = remoteFiles(svc);
            const platform = await platformFiles(svc);
            if (!expectedNew.every((p) => remote.includes(p) && platform.includes(p))) return undefined;
            return JSON.stringify(remote) === JSON.stringify(platform) ? true : undefined;
        },
        90_000,
    ).catch((e: unknown) => {
        if (process.env.DEBUG_DEPENDENCIES) console.log(logLines.slice(-200).join('\n'));
        throw e;
    });
    const remote = remoteFiles(svc);
    expect(new Set(remote).size).toBe(remote.length);
    expect(remote.filter((p) => /\(\d+\)|conflict/i.test(p))).toEqual([]);
}

function newRuns(before: RunRecord[], after: RunRecord[]): RunRecord[] {
    const known = new Set(before.map((r) => r.runId));
    return after.filter((r) => !known.has(r.runId));
}

it('Table Storage throttled (503 ServerBusy): storage_throttled, bounded retries with backoff, one alert, then recovery by itself', async () => {
    const restore = configureRunRetryForTests({ firstDelaySeconds: 1, maxFailures: 3 });
    try {
        const before = await runsOf(svc);
        const driveId = svc.drive.graph!.driveId;
        svc.sim.graph.putFile(driveId, '/Documents/throttled-remote.txt', 'from OneDrive\n');
        await uploadToPlatform(svc, 'Desktop/throttled-platform.txt', 'from the platform\n');
        // The hot partition: every read and write of the drive's baseline answers ServerBusy.
        const busy = storage.proxy.inject({
            service: 'table',
            status: 503,
            code: 'ServerBusy',
            match: { path: /Baselines/ },
        });
        await syncNow(svc);
        const failed = await poll(
            'the retries to run out',
            async () => {
                const runs = newRuns(before, await runsOf(svc));
                const throttled = runs.filter((r) => r.status === 'failed');
                return throttled.length >= 3 && (await syncQueueDepth(svc)) === 0 ? runs : undefined;
            },
            120_000,
        );
        expect(busy.injected).toBeGreaterThan(0);
        expect(failed).toHaveLength(3);
        for (const r of failed) expect(r.error).toMatchObject({ code: 'storage_throttled', retryable: true });
        expect(failed.map((r) => r.trigger).sort()).toEqual(['manual', 'retry', 'retry']);
        const open = await alertsOf(svc);
        expect(open).toEqual([
            expect.objectContaining({ kind: 'dependency_unavailable', title: 'Storage keeps throttling the service' }),
        ]);

        // The pressure ends; the next scheduled run syncs both changes, once, and resolves the alert.
        busy.remove();
        const scheduled = await scheduleDueDrives(await svc.services(), Date.now() + 60 * 60_000);
        expect(scheduled.enqueued).toEqual([svc.drive.id]);
        const ok = await poll('the scheduled run', async () =>
            newRuns(before, await runsOf(svc)).find(
                (r) => r.trigger === 'timer' && r.status !== 'queued' && r.status !== 'running',
            ),
        );
        expect(ok.status).toBe('succeeded');
        await converged(['Documents/throttled-remote.txt', 'Desktop/throttled-platform.txt']);
        await poll('the alert to resolve', async () => ((await alertsOf(svc)).length === 0 ? true : undefined));
    } finally {
        restore();
    }
}, 240_000);

it('transfers meeting 500 OperationTimedOut are delivered again by the queue and finish once', async () => {
    const before = await runsOf(svc);
    const driveId = svc.drive.graph!.driveId;
    for (let i = 1; i <= 3; i++) svc.sim.graph.putFile(driveId, `/Documents/timed-out-${i}.txt`, `file ${i}\n`);
    // The transfer journal's writes time out for a while: more than the SDK's own retries absorb.
    const timeouts = storage.proxy.inject({
        service: 'table',
        status: 500,
        code: 'OperationTimedOut',
        match: { method: 'PUT', path: /Transfers\(/ },
        times: 10,
    });
    await syncNow(svc);
    await converged(['Documents/timed-out-1.txt', 'Documents/timed-out-2.txt', 'Documents/timed-out-3.txt']);
    expect(timeouts.injected).toBe(10);
    const runs = newRuns(before, await runsOf(svc));
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(1);
    expect(logLines.some((l) => /poison/i.test(l) && /transfer/i.test(l))).toBe(false);
}, 180_000);

it('Azurite stopped in the middle of a sync and started again: the run resumes, nothing lost or duplicated', async () => {
    const before = await runsOf(svc);
    const driveId = svc.drive.graph!.driveId;
    for (let i = 1; i <= 5; i++) svc.sim.graph.putFile(driveId, `/Pictures/Trips/outage-${i}.txt`, `photo ${i}\n`);
    await uploadToPlatform(svc, 'Documents/outage-upload.txt', 'written before the outage\n');
    // The moment the run reads the drive's baseline, storage goes away for longer than the SDK retries.
    let stopped: Promise<void> | undefined;
    const watch = storage.proxy.observe((r) => {
        if (!stopped && r.service === 'table' && /Baselines/.test(r.path)) stopped = storage.stopAzurite();
    });
    await syncNow(svc);
    await poll('storage to go away', async () => (stopped ? true : undefined));
    watch.stop();
    await stopped;
    await new Promise((r) => setTimeout(r, 12_000));
    await storage.startAzurite();

    await converged(['Pictures/Trips/outage-1.txt', 'Pictures/Trips/outage-5.txt', 'Documents/outage-upload.txt']);
    let last: RunRecord[] = [];
    const runs = await poll('the runs to settle', async () => {
        const mine = (last = newRuns(before, await runsOf(svc)));
        return mine.length > 0 && mine.every((r) => !['queued', 'running'].includes(r.status)) ? mine : undefined;
    }).catch(async (e: unknown) => {
        if (process.env.DEBUG_DEPENDENCIES) {
            console.log(JSON.stringify(last, null, 1), JSON.stringify(await scheduleOf(svc)));
            console.log(logLines.slice(-150).join('\n'));
        }
        throw e;
    });
    expect(runs.some((r) => r.status === 'succeeded')).toBe(true);
    expect(runs.filter((r) => r.status === 'failed').length).toBeLessThanOrEqual(5);
    for (const r of runs.filter((x) => x.status === 'failed')) expect(r.error?.code).toMatch(/^storage_/);
    expect(logLines.some((l) => /Moving message to queue '.*-poison'/.test(l))).toBe(false);
    // Nothing stranded: no request waits for a run that will never come.
    await poll(
        'the drive to be idle',
        async () => {
            const entry = await scheduleOf(svc);
            return !entry?.queued && !entry?.running && (await syncQueueDepth(svc)) === 0 ? true : undefined;
        },
        90_000,
    );
}, 240_000);

it('Azurite stopped in the middle of transfers and started again: every file arrives once, without a replay', async () => {
    const driveId = svc.drive.graph!.driveId;
    const names = Array.from({ length: 6 }, (_, i) => `Documents/transfer-outage-${i + 1}.txt`);
    for (const name of names) svc.sim.graph.putFile(driveId, `/${name}`, `${name}\n`.repeat(2000));
    // The first transfer claims its journal row: storage goes away while the copies are under way.
    let stopped: Promise<void> | undefined;
    const watch = storage.proxy.observe((r) => {
        if (!stopped && r.service === 'blob' && r.method === 'PUT' && r.path.includes('transfer-outage'))
            stopped = storage.stopAzurite();
    });
    await syncNow(svc);
    await poll('storage to go away', async () => (stopped ? true : undefined));
    watch.stop();
    await stopped;
    await new Promise((r) => setTimeout(r, 12_000));
    await storage.startAzurite();

    await converged(names);
    // Every transfer ended by itself: none failed, none waits for a replay.
    const s = await svc.services();
    const table = await s.tables.get('transfers');
    const states: string[] = [];
    for await (const row of table.listEntities<{ document?: string }>()) {
        const record = row.document ? (JSON.parse(row.document) as { state?: string; platformPath?: string }) : {};
        if (record.platformPath && names.includes(record.platformPath)) states.push(record.state ?? '?');
    }
    expect(states.length).toBeGreaterThanOrEqual(names.length);
    expect(states.filter((x) => x === 'failed')).toEqual([]);
    expect(logLines.some((l) => /Moving message to queue '.*-poison'/.test(l))).toBe(false);
}, 240_000);

it('a run that cannot record how it ended is delivered again, never left "running"', async () => {
    const before = await runsOf(svc);
    svc.sim.graph.putFile(svc.drive.graph!.driveId, '/Documents/unrecorded.txt', 'one more\n');
    // Once the run is under way, every write of run records fails for a while (more than the SDK's
    // retries absorb): the run cannot write how it ended.
    let refused: { readonly injected: number } | undefined;
    const watch = storage.proxy.observe((r) => {
        if (!refused && r.service === 'table' && /Baselines/.test(r.path))
            refused = storage.proxy.inject({
                service: 'table',
                status: 503,
                code: 'ServerBusy',
                match: { method: 'PUT', path: /SyncRuns\(/ },
                // Its end, then its failure: four attempts each (the SDK's three retries).
                times: 8,
            });
    });
    const runId = await syncNow(svc);
    await converged(['Documents/unrecorded.txt']);
    const runs = await poll('the runs to settle', async () => {
        const mine = newRuns(before, await runsOf(svc));
        return mine.length > 0 && mine.every((r) => !['queued', 'running'].includes(r.status)) ? mine : undefined;
    });
    watch.stop();
    expect(refused?.injected).toBe(8);
    expect(runs.find((r) => r.runId === runId)?.status).toBe('succeeded');
    expect(logLines.some((l) => /Moving message to queue '.*-poison'/.test(l))).toBe(false);
}, 180_000);

it('"Sync now" refused by storage answers 503 with its code and leaves no phantom run behind', async () => {
    const refused = storage.proxy.inject({
        service: 'table',
        status: 503,
        code: 'ServerBusy',
        // The run record "Sync now" creates (the SDK's three retries included).
        match: { method: 'PUT', path: /SyncRuns\(/ },
        times: 4,
    });
    const answer = await svc.env.api('POST', `/api/drives/${svc.drive.id}/sync`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.body).toMatchObject({ error: { code: 'storage_throttled', hint: expect.any(String) } });
    expect(refused.injected).toBe(4);
    expect((await scheduleOf(svc))?.queued).toBeUndefined();
    // Asked again once storage answers: a new run, which runs.
    const again = await svc.env.api('POST', `/api/drives/${svc.drive.id}/sync`);
    expect(again.body).toMatchObject({ created: true });
    const { runFinished } = await import('./dependencyHarness');
    expect((await runFinished(svc, (again.body as { runId: string }).runId)).status).toBe('succeeded');
}, 120_000);

it('a request that meets a lease its finished holder could not release comes back once the lease expires', async () => {
    const { acquireLease } = await import('../../lib/sync/engine/lease');
    const s = await svc.services();
    // A run that ended while storage was failing: its lease row stays (release failed), it is not running.
    const ghost = await acquireLease(s, svc.drive.id, 'run_0000000000000_ghost0');
    expect('lease' in ghost).toBe(true);
    const runId = await syncNow(svc);
    const waiting = await poll('the request to wait for the lease', async () => {
        const entry = await scheduleOf(svc);
        return entry?.queued?.runId === runId && (await syncQueueDepth(svc)) === 1 ? entry : undefined;
    });
    // Not stranded behind a holder that will never pick it up: its message waits in the queue (delayed).
    expect(waiting.running).toBeUndefined();
    expect((await runsOf(svc)).find((r) => r.runId === runId)?.status).toBe('queued');
}, 90_000);
