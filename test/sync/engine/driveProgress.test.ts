import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { DriveSyncStatus } from '../../../lib/sync/engine/driveSyncStatus';
import type { TransferPage, TransferView } from '../../../lib/transfer/transferList';
import type { ConnectedService } from '../../support/connectedService';
import { runMessages, startSyncService, until } from './engineHarness';

/**
 * A drive says how it is doing (GET /api/drives, /api/drives/{id}: last run, current run, next run)
 * and its transfers can be watched (GET /api/drives/{id}/transfers), after a real first sync of the
 * demo OneDrive whose downloads the host's transfer queue carries out.
 */
let svc: ConnectedService;
let drive: DriveRecord;
type DriveWithSync = DriveRecord & { sync: DriveSyncStatus };

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

const getDrive = async (): Promise<DriveWithSync> =>
    (await svc.env.api('GET', `/api/drives/${drive.id}`)).body as DriveWithSync;
const transfers = async (query = ''): Promise<TransferPage> => {
    const res = await svc.env.api('GET', `/api/drives/${drive.id}/transfers${query}`);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${res.text}`);
    return res.body as TransferPage;
};

describe("a drive's last and next run, and its transfers", () => {
    let runId: string;
    let blocked: string;

    it('before any run: the interval, no last run, and the next run due now', async () => {
        const before = Date.now();
        const { sync } = await getDrive();
        expect(sync.intervalMinutes).toBe(15);
        expect(sync.lastRun).toBeUndefined();
        expect(sync.currentRun).toBeUndefined();
        expect(Date.parse(sync.nextRunAt!)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(sync.nextRunAt!)).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('a queued "Sync now" is the current run, and the next one', async () => {
        // One file SharePoint blocks as malware: its download fails for good (a transfer to watch).
        const victim = svc.sim.graph.listTree(drive.graph!.driveId).find((i) => !i.isFolder)!;
        blocked = victim.path.slice(1);
        svc.sim.graph.setMalware(drive.graph!.driveId, victim.id, 'Eicar-Test-Signature');
        const started = await svc.env.api('POST', `/api/drives/${drive.id}/sync`);
        runId = (started.body as { runId: string }).runId;
        const { sync } = await getDrive();
        expect(sync.currentRun).toMatchObject({ runId, status: 'queued', trigger: 'manual' });
        expect(sync.nextRunAt).toBe(sync.currentRun!.since);
    });

    it('after the run: when, trigger, outcome and counts; the next run one interval after the request', async () => {
        await runMessages(drive.id);
        const run = (await svc.env.api('GET', `/api/drives/${drive.id}/runs/${runId}?limit=1`)).body as {
            run: { queuedAt: string; finishedAt: string };
        };
        const listed = (await svc.env.api('GET', '/api/drives')).body as { value: DriveWithSync[] };
        const one = await getDrive();
        for (const { sync } of [listed.value.find((d) => d.id === drive.id)!, one]) {
            expect(sync.currentRun).toBeUndefined();
            expect(sync.lastRun).toMatchObject({
                runId,
                trigger: 'manual',
                status: 'succeeded',
                firstSync: true,
                at: run.run.finishedAt,
                transfersEnqueued: 20,
                counts: expect.objectContaining({ download: 20 }),
                outcomes: expect.objectContaining({ queued: 20 }),
            });
            expect(sync.lastRun!.durationMs).toBeGreaterThan(0);
            expect(Date.parse(sync.nextRunAt!) - Date.parse(run.run.queuedAt)).toBe(15 * 60_000);
        }
    });

    it("lists the run's transfers: files done of files planned, bytes, times, the failure with its hint and replay", async () => {
        const page = await until(
            'every transfer of the run to end',
            async () => {
                const p = await transfers(`?runId=${runId}&limit=200`);
                const s = p.summary!.byState;
                return s.done + s.failed === 20 ? p : undefined;
            },
            60_000,
        );
        expect(page.summary).toMatchObject({
            runId,
            planned: 20,
            byState: { done: 19, failed: 1, active: 0, queued: 0, retrying: 0, skipped: 0 },
        });
        const failed = page.value.find((t) => t.state === 'failed')!;
        expect(failed).toMatchObject({
            path: blocked,
            direction: 'download',
            runId,
            attempts: 1,
            lastError: {
                code: 'malware_detected',
                hint: expect.stringMatching(/malware/),
                retryable: false,
            },
            replay: {
                method: 'POST',
                href: `/api/drives/${drive.id}/transfers/${encodeURIComponent(failed.transferId)}/replay`,
            },
        });
        for (const t of page.value.filter((v) => v.state === 'done')) {
            expect(t.direction).toBe('download');
            expect(t.bytesDone).toBe(t.bytesTotal);
            expect(t.bytesTotal).toBeGreaterThan(0);
            expect(Date.parse(t.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(t.startedAt!));
            expect(t.replay).toBeUndefined();
            expect(t.lastError).toBeUndefined();
        }
        // The replay route the listing points to takes it (and it fails the same way again).
        expect((await svc.env.api('POST', failed.replay!.href)).status).toBe(202);
        await until('the replayed transfer to fail again', async () => {
            const again = (await transfers('?state=failed')).value.find((t) => t.transferId === failed.transferId);
            return again && again.attempts === 2 ? again : undefined;
        });
    }, 90_000);

    it('filters by state and pages with a continuation token', async () => {
        expect((await transfers('?state=failed')).value.map((t) => t.path)).toEqual([blocked]);
        expect((await transfers('?state=active,queued,retrying')).value).toEqual([]);
        expect((await transfers('?state=done')).value).toHaveLength(19);
        const seen: TransferView[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
            const page = await transfers(`?limit=7${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
            expect(page.value.length).toBeLessThanOrEqual(7);
            seen.push(...page.value);
            token = page.continuationToken;
            pages++;
        } while (token);
        expect(pages).toBeGreaterThanOrEqual(3);
        expect(new Set(seen.map((t) => t.transferId)).size).toBe(20);
    });

    it("pages the run history with the storage's own continuation token (Azurite's format too)", async () => {
        await svc.env.api('POST', `/api/drives/${drive.id}/sync`);
        await runMessages(drive.id);
        const first = await svc.env.api('GET', `/api/drives/${drive.id}/runs?limit=1`);
        const token = (first.body as { continuationToken?: string }).continuationToken!;
        expect(token).toBeDefined();
        const second = await svc.env.api(
            'GET',
            `/api/drives/${drive.id}/runs?limit=1&continuationToken=${encodeURIComponent(token)}`,
        );
        expect(second.status).toBe(200);
        expect((second.body as { value: { runId: string }[] }).value[0]!.runId).toBe(runId);
    });
});
