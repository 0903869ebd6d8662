import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { listPlatformEntries } from '../../../lib/sync/platform/platformListing';
import { loadCursor } from '../../../lib/sync/remote';
import { runSync, scheduleDueDrives } from '../../../lib/sync/engine';
import type { RunRecord } from '../../../lib/sync/runs';
import type { ConnectedService } from '../../support/connectedService';
import { message, runMessages, services, startSyncService, takeSyncMessages, until } from './engineHarness';

let svc: ConnectedService;
let oneDrive: DriveRecord;
let policies: DriveRecord;
const logLines: string[] = [];

beforeAll(async () => {
    svc = await startSyncService(logLines);
    oneDrive = (
        await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
    const sp = (
        await svc.connectDrive({ name: 'Policies', kind: 'sharepoint' }, svc.sim.demo.users.megan.userPrincipalName)
    ).drive;
    policies = await svc.selectLibrary(sp.id, 'Policies');
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

const remoteFiles = (driveRecord: DriveRecord): string[] =>
    svc.sim.graph
        .listTree(driveRecord.graph!.driveId)
        .filter((i) => !i.isFolder)
        .map((i) => i.path.slice(1))
        .sort();

async function ran(result: Awaited<ReturnType<typeof runSync>>): Promise<RunRecord> {
    if (result.outcome !== 'ran') throw new Error(`expected a run, got ${JSON.stringify(result)}`);
    return result.run;
}

describe('manual sync and the first sync', () => {
    it('answers 202 with a run id, the same one while it is queued, and brings the OneDrive into the platform store', async () => {
        const first = await svc.env.api('POST', `/api/drives/${oneDrive.id}/sync`);
        expect(first.status).toBe(202);
        const { runId, created } = first.body as { runId: string; created: boolean };
        expect(created).toBe(true);
        const second = await svc.env.api('POST', `/api/drives/${oneDrive.id}/sync`);
        expect(second.status).toBe(202);
        expect(second.body).toMatchObject({ runId, created: false, status: 'queued' });

        const listed = await svc.env.api('GET', `/api/drives/${oneDrive.id}/runs`);
        expect((listed.body as { value: RunRecord[] }).value[0]).toMatchObject({
            runId,
            status: 'queued',
            trigger: 'manual',
        });

        const results = await runMessages(oneDrive.id);
        expect(results).toHaveLength(1);
        const run = await ran(results[0]);
        const files = remoteFiles(oneDrive);
        expect(files.length).toBe(20);
        expect(run).toMatchObject({
            runId,
            status: 'succeeded',
            firstSync: true,
            resync: false,
            transfersEnqueued: files.length,
        });
        expect(run.counts?.download).toBe(files.length);
        expect(run.delta?.requests).toBe(1);

        // The transfer handler (on the host's transfer queue) copies every file into the container.
        const s = await services();
        const platformFiles = await until(
            'the files in the platform store',
            async () => {
                if (process.env.DEBUG_SYNC)
                    console.log(
                        logLines
                            .filter((l) => /transfer/i.test(l))
                            .slice(-15)
                            .join('\n')
                            .slice(0, 5000),
                    );
                const entries = (await listPlatformEntries(s, oneDrive))
                    .filter((e) => !e.isFolder)
                    .map((e) => e.path)
                    .sort();
                return entries.length === files.length ? entries : undefined;
            },
            60_000,
        );
        expect(platformFiles).toEqual(files);

        const detail = await svc.env.api('GET', `/api/drives/${oneDrive.id}/runs/${runId}?q=FILE-1-11`);
        expect(detail.status).toBe(200);
        const body = detail.body as {
            run: RunRecord;
            outcomes: { path: string; action: string; status: string }[];
            total: number;
        };
        expect(body.outcomes).toEqual([
            expect.objectContaining({ path: 'Documents/file-1-11.txt', action: 'download', status: 'queued' }),
        ]);
        const failed = await svc.env.api('GET', `/api/drives/${oneDrive.id}/runs/${runId}?status=failed`);
        expect((failed.body as { total: number }).total).toBe(0);
        expect((await svc.env.api('GET', `/api/drives/${oneDrive.id}/runs/${runId}?status=bogus`)).status).toBe(400);
        expect((await svc.env.api('GET', `/api/drives/${oneDrive.id}/conflicts`)).body).toEqual({ value: [] });
    }, 120_000);

    it('syncs an unchanged drive with exactly one Graph request and no actions', async () => {
        svc.sim.graph.resetCounters();
        const run = await ran(await runSync(await services(), message(oneDrive.integrationId, oneDrive.id)));
        expect(run.status).toBe('succeeded');
        expect(run.delta).toMatchObject({ requests: 1, pages: 1 });
        expect(svc.sim.graph.counters().requests).toBe(1);
        expect(run.counts?.download ?? 0).toBe(0);
        expect(run.firstSync).toBe(false);
    });
});

describe('delta cursor', () => {
    it('resumes an enumeration interrupted between pages without fetching the earlier pages again', async () => {
        svc.sim.graph.setOptions({ delta: { pageSize: 10 } });
        try {
            const items = svc.sim.graph.listTree(policies.graph!.driveId).length + 1; // + the root
            const pages = Math.ceil(items / 10);
            expect(pages).toBeGreaterThan(3);
            svc.sim.graph.addFault({ kind: 'error', status: 500, path: '/delta', skip: 2, count: 1 });
            const crashed = await ran(
                await runSync(await services(), message(policies.integrationId, policies.id, { dryRun: true })),
            );
            expect(crashed.status).toBe('failed');
            expect(crashed.error).toMatchObject({ retryable: true });
            const { cursor } = await loadCursor(await services(), policies.id);
            expect(cursor).toMatchObject({ pages: 2, fullListing: true });
            expect(cursor?.nextLink).toContain('token=');

            svc.sim.graph.resetCounters();
            const resumed = await ran(
                await runSync(await services(), message(policies.integrationId, policies.id, { dryRun: true })),
            );
            expect(resumed.status).toBe('succeeded');
            expect(resumed.delta).toMatchObject({ resumed: true, requests: pages - 2, pages, items });
            expect(svc.sim.graph.counters().requests).toBe(pages - 2);
            expect(resumed.counts?.download).toBe(remoteFiles(policies).length);
            expect(resumed.firstSync).toBe(true);
        } finally {
            svc.sim.graph.setOptions({ delta: { pageSize: 200 } });
            svc.sim.graph.clearFaults();
        }
    }, 60_000);

    const variants = [
        { variant: 'resyncRequired', reason: 'resyncRequired', location: 'absent', deletes: 1 },
        { variant: 'resyncChangesApplyDifferences', reason: 'applyDifferences', location: 'valid', deletes: 1 },
        { variant: 'resyncChangesUploadDifferences', reason: 'uploadDifferences', location: 'valid', deletes: 0 },
        { variant: 'resyncApplyDifferences', reason: 'applyDifferences', location: 'valid', deletes: 1 },
        { variant: 'resyncUploadDifferences', reason: 'uploadDifferences', location: 'valid', deletes: 0 },
        { variant: 'resyncRequired', reason: 'resyncRequired', location: 'fails', deletes: 1 },
    ] as const;

    const victims = new Set<string>();
    it.each(variants)(
        'handles 410 $variant (Location $location) with a fresh enumeration whose reason decides the deletes',
        async ({ variant, reason, location, deletes }) => {
            // Gone from SharePoint while the token was invalid: the reason says whether SharePoint's version
            // (its delete included) wins, or the platform copy is uploaded again (m365Quirks.test.ts has both sides).
            // A file no earlier variant touched: one that was uploaded again is a new item whose baseline
            // row is only folded by a later run, so deleting it here would test timing, not the 410.
            const victim = svc.sim.graph
                .listTree(oneDrive.graph!.driveId)
                .find((i) => !i.isFolder && i.path.startsWith('/Desktop/') && !victims.has(i.path));
            expect(victim).toBeDefined();
            victims.add(victim!.path);
            svc.sim.graph.remove(oneDrive.graph!.driveId, victim!.id);
            svc.sim.graph.expireDeltaTokens(oneDrive.graph!.driveId, variant, location);
            svc.sim.graph.resetCounters();
            const run = await ran(await runSync(await services(), message(oneDrive.integrationId, oneDrive.id)));
            expect(run).toMatchObject({ status: 'succeeded', resync: true, resyncReason: reason, firstSync: false });
            // One 410, then the pages of a fresh enumeration: the Location is never followed.
            expect(run.delta!.requests - run.delta!.pages).toBe(1);
            expect(run.counts?.deletePlatform ?? 0).toBe(deletes);
            expect(run.counts?.upload ?? 0).toBe(1 - deletes);
            expect(run.counts?.holdDelete ?? 0).toBe(0);
            // The next run is incremental again, from the fresh deltaLink.
            const after = await ran(await runSync(await services(), message(oneDrive.integrationId, oneDrive.id)));
            expect(after).toMatchObject({ status: 'succeeded', resync: false });
            expect(after.delta?.requests).toBe(1);
            await until('the transfers of the resync', async () =>
                svc.sim.graph.listTree(oneDrive.graph!.driveId).some((i) => i.path === victim!.path) ||
                run.counts?.upload !== 1
                    ? true
                    : undefined,
            );
        },
        60_000,
    );
});

describe('lease', () => {
    it('lets only one of two concurrent runs of a drive proceed; the other becomes a follow-up', async () => {
        await takeSyncMessages(policies.id);
        // Count this drive's delta requests only: transfers queued by earlier tests may still be running.
        svc.sim.simulator.requests.clear();
        const s = await services();
        const results = await Promise.all([
            runSync(s, message(policies.integrationId, policies.id, { runId: 'run_concurrent_a', dryRun: true })),
            runSync(s, message(policies.integrationId, policies.id, { runId: 'run_concurrent_b', dryRun: true })),
        ]);
        const winners = results.filter((r) => r.outcome === 'ran');
        const busy = results.filter((r) => r.outcome === 'busy');
        expect(winners).toHaveLength(1);
        expect(busy).toHaveLength(1);
        const run = await ran(winners[0]);
        const driveId = policies.graph!.driveId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const deltaRequests = svc.sim.simulator.requests.count('GET', new RegExp(`/drives/${driveId}/root/delta$`));
        expect(deltaRequests).toBe(run.delta?.requests);
        const followUps = await takeSyncMessages(policies.id);
        // The absorbed request joins the drive's one queued follow-up (which may be an earlier retry).
        expect(followUps.length).toBeGreaterThanOrEqual(1);
        expect(new Set(followUps.map((m) => m.runId)).size).toBe(1);
        expect(followUps[0].runId).not.toBe(run.runId);
    }, 60_000);
});

describe('scheduler', () => {
    it('enqueues only the drives whose interval has passed, once', async () => {
        const patched = await svc.env.api('PATCH', `/api/drives/${oneDrive.id}`, { body: { syncIntervalMinutes: 5 } });
        expect(patched.status).toBe(200);
        const pending = await svc.env.api('POST', '/api/drives', {
            body: { name: 'Never connected', kind: 'onedrive' },
        });
        expect(pending.status).toBe(201);
        const pendingId = (pending.body as { drive: DriveRecord }).drive.id;
        await takeSyncMessages(oneDrive.id);
        await takeSyncMessages(policies.id);
        const s = await services();

        const now = await scheduleDueDrives(s);
        expect(now.enqueued).toEqual([]);
        const later = await scheduleDueDrives(s, Date.now() + 6 * 60_000);
        expect(later.enqueued).toEqual([oneDrive.id]);
        expect(later.checked).toBeGreaterThanOrEqual(3);
        const again = await scheduleDueDrives(s, Date.now() + 7 * 60_000);
        expect(again.enqueued).toEqual([]);
        const messages = await takeSyncMessages(oneDrive.id);
        expect(messages).toEqual([expect.objectContaining({ kind: 'sync', trigger: 'timer', driveId: oneDrive.id })]);
        const nextDay = await scheduleDueDrives(s, Date.now() + 24 * 60 * 60_000);
        expect(nextDay.enqueued).not.toContain(pendingId);
    }, 60_000);
});
