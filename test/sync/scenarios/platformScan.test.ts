import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { RunRecord } from '../../../lib/sync/runs';
import type { ConnectedService } from '../../support/connectedService';
import { runSync } from '../../../lib/sync/engine';
import { pathKey } from '../../../lib/storage/pathKeys';
import { NEW_DRIVE_BUCKETS } from '../../../lib/sync/state/baselineLayout';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    processTransfers,
    remoteTree,
    services,
    startScenarioService,
    syncMessage,
    syncUntilQuiet,
    treeDiff,
    type QuietResult,
} from './scenarioHarness';

/**
 * When a sync lists the platform store (engine/platformSide.ts): the platform writes through the API,
 * which marks the drive, so a run caused by a SharePoint change or by the schedule reads the platform
 * side from the baseline; "Sync now", the sweep, a first sync, a 410 and PlatformScanMinutes list it.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let platform: PlatformSide;
let gid: string;

const sim = () => svc.sim.graph;

async function quiet(trigger: 'timer' | 'webhook' | 'manual'): Promise<QuietResult> {
    const result = await syncUntilQuiet(drive, { trigger });
    if (!isQuiet(result)) throw new Error(`The drive did not get quiet:\n${describeRuns(result)}`);
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);
    return result;
}

const firstRun = (r: QuietResult): RunRecord => r.runs[0]!;

async function setScanMinutes(minutes: number): Promise<void> {
    const patched = await svc.env.api('PATCH', '/api/manage/properties', { body: { PlatformScanMinutes: minutes } });
    expect(patched.status).toBe(200);
}

beforeAll(async () => {
    svc = await startScenarioService();
    drive = (
        await svc.connectDrive({ name: 'Scan OneDrive', kind: 'onedrive' }, svc.sim.demo.users.megan.userPrincipalName)
    ).drive;
    gid = drive.graph!.driveId;
    platform = new PlatformSide(await services(), drive);
    const first = await quiet('manual');
    expect(firstRun(first)).toMatchObject({ firstSync: true, platformScan: 'first_sync' });
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

/** The filters of the queries made on one table until `stop` (the real client, its calls recorded). */
async function recordQueries(tableName: 'baselines'): Promise<{ stop(): string[] }> {
    const table = await (await services()).tables.get(tableName);
    const original = table.listEntities.bind(table);
    const filters: string[] = [];
    table.listEntities = ((options?: Parameters<typeof original>[0]) => {
        filters.push(options?.queryOptions?.filter ?? '');
        return original(options);
    }) as typeof table.listEntities;
    return {
        stop: () => {
            table.listEntities = original;
            return filters;
        },
    };
}

describe('platform listing', () => {
    it('a scheduled run of an unchanged drive makes one Graph request and loads neither the baseline nor a listing', async () => {
        sim().resetCounters();
        const result = await quiet('timer');
        expect(result.runs).toHaveLength(1);
        expect(firstRun(result)).toMatchObject({
            status: 'succeeded',
            unchanged: true,
            delta: { requests: 1, items: 0 },
        });
        expect(firstRun(result).platformScan).toBeUndefined();
        expect(firstRun(result).baselineEntries).toBeUndefined();
        expect(sim().counters().requests).toBe(1);
    });

    it('a SharePoint change is applied from the baseline, without listing the platform, planned over what it touches', async () => {
        for (let i = 0; i < 3; i++) sim().putFile(gid, `/Elsewhere/e${i}.txt`, `elsewhere ${i}`);
        await quiet('webhook');
        sim().putFile(gid, '/Scan/remote.txt', 'from SharePoint');
        const result = await quiet('webhook');
        expect(firstRun(result).platformScan).toBeUndefined();
        expect(firstRun(result).counts).toMatchObject({ download: 1 });
        expect(await platform.read('Scan/remote.txt')).toBe('from SharePoint');
        // The plan looked at the new file's folder, not at /Elsewhere (plan/scope.ts).
        const { baselineEntries, plannedBaselineEntries } = firstRun(result);
        expect(baselineEntries).toBeGreaterThanOrEqual(4);
        expect(plannedBaselineEntries).toBeLessThan(baselineEntries!);
    });

    it('an upload completed through the API makes the next scheduled run list the store', async () => {
        await platform.put('Scan/platform.txt', 'from the platform');
        const result = await quiet('timer');
        expect(firstRun(result)).toMatchObject({ platformScan: 'platform_changed', counts: { upload: 1 } });
        expect(sim().readContent(gid, '/Scan/platform.txt').toString('utf8')).toBe('from the platform');
        // Listed once: the run after it trusts the baseline again.
        expect(firstRun(await quiet('timer')).platformScan).toBeUndefined();
    });

    it('a blob deleted around the API deletes nothing until a listing sees it, then goes to the recycle bin', async () => {
        await platform.remove('Scan/remote.txt');
        const scheduled = await syncUntilQuiet(drive, { trigger: 'timer' });
        expect(firstRun(scheduled)).toMatchObject({ status: 'succeeded', unchanged: true });
        expect(sim().getItem(gid, '/Scan/remote.txt')).toBeDefined();

        await setScanMinutes(0);
        try {
            const due = await quiet('timer');
            expect(firstRun(due)).toMatchObject({ platformScan: 'scan_due', counts: { deleteRemote: 1 } });
            expect(sim().getItem(gid, '/Scan/remote.txt')).toBeUndefined();
        } finally {
            await setScanMinutes(60);
        }
    });

    it("a drive's own platformScanMinutes overrides the property; null gives the property back", async () => {
        const patch = (body: Record<string, unknown>) => svc.env.api('PATCH', `/api/drives/${drive.id}`, { body });
        for (const bad of [-1, 1441, 2.5, 'often'])
            expect(await patch({ platformScanMinutes: bad })).toMatchObject({
                status: 400,
                body: { error: { code: 'validation_failed' } },
            });
        sim().putFile(gid, '/Scan/keep.txt', 'kept');
        await quiet('webhook');
        const patched = await patch({ platformScanMinutes: 0 });
        expect(patched).toMatchObject({ status: 200, body: { policies: { platformScanMinutes: 0 } } });
        await platform.remove('Scan/keep.txt');
        const due = await quiet('timer');
        expect(firstRun(due)).toMatchObject({ platformScan: 'scan_due', counts: { deleteRemote: 1 } });
        const back = await patch({ platformScanMinutes: null });
        expect(back.status).toBe(200);
        expect((back.body as DriveRecord).policies.platformScanMinutes).toBeUndefined();
        // The property's hour applies again: a scheduled run trusts the baseline.
        expect(firstRun(await quiet('timer')).platformScan).toBeUndefined();
    });

    it('a listing run walks the store folder by folder and plans only what changed', async () => {
        for (let i = 0; i < 5; i++) await platform.put(`Walk/d${i}/f.txt`, `file ${i}`);
        await quiet('manual');
        await platform.put('Walk/d2/f.txt', 'edited on the platform');
        await platform.put('Walk/d4/new.txt', 'new on the platform');
        const result = await quiet('manual');
        const run = firstRun(result);
        expect(run).toMatchObject({ platformScan: 'manual', platformChanges: 2, counts: { upload: 2 } });
        // Every folder listed once: the root, Scan, Elsewhere, Walk and its five.
        expect(run.platformFolders).toBeGreaterThanOrEqual(8);
        expect(run.plannedBaselineEntries).toBeLessThan(run.baselineEntries!);
        expect(sim().readContent(gid, '/Walk/d2/f.txt').toString('utf8')).toBe('edited on the platform');
    });

    it('a listing run reads the rows of only the folders that changed since the last one', async () => {
        // Settled: the uploads above were folded (their folders' digests voided) and listed once more.
        await quiet('manual');
        const settled = firstRun(await quiet('manual'));
        expect(settled.platformFolders).toBeGreaterThanOrEqual(8);
        expect(settled.platformFoldersMatched).toBe(settled.platformFolders);
        await platform.put('Walk/d1/f.txt', 'edited again');
        await platform.put('Walk/d1/g.txt', 'new beside it');
        const baselineQueries = await recordQueries('baselines');
        const listed = await runSync(await services(), syncMessage(drive, { trigger: 'manual' }));
        const filters = baselineQueries.stop();
        const run = listed.outcome === 'ran' ? listed.run : undefined;
        expect(run).toMatchObject({ platformScan: 'manual', platformChanges: 2, counts: { upload: 2 } });
        expect(run!.platformFoldersMatched).toBe(run!.platformFolders! - 1);
        await quiet('manual');
        // The changed folder's rows are read once, by the walk (one range in each of the drive's 16
        // partitions): the plan's scope (a new file: its siblings) takes them from there.
        const changedFolder = filters.filter((f) => f.includes(`RowKey ge '!${pathKey('walk/d1')}$'`));
        expect(changedFolder).toHaveLength(NEW_DRIVE_BUCKETS);
        expect(sim().readContent(gid, '/Walk/d1/f.txt').toString('utf8')).toBe('edited again');
    });

    it('"Sync now" always lists the store', async () => {
        await platform.remove('Scan/platform.txt');
        const result = await quiet('manual');
        expect(firstRun(result)).toMatchObject({ platformScan: 'manual', counts: { deleteRemote: 1 } });
        expect(sim().getItem(gid, '/Scan/platform.txt')).toBeUndefined();
    });

    it('a download skipped because the platform wrote the same path meanwhile is planned again: both versions kept', async () => {
        sim().putFile(gid, '/Scan/race.txt', 'the SharePoint version');
        const planned = await runSync(await services(), syncMessage(drive, { trigger: 'webhook' }));
        expect(planned).toMatchObject({ outcome: 'ran', run: { counts: { download: 1 } } });
        // Before the transfer runs, the platform writes the same path: the download must not overwrite it.
        await platform.put('Scan/race.txt', 'the platform version');
        expect(await processTransfers()).toContainEqual(
            expect.objectContaining({ platformPath: 'Scan/race.txt', outcome: 'skipped' }),
        );

        // Delta will not list the unchanged SharePoint item again: the next run fetches it by id.
        const result = await quiet('webhook');
        expect(firstRun(result)).toMatchObject({ replannedTransfers: 1 });
        const contents = sim()
            .listTree(gid)
            .filter((i) => i.path.startsWith('/Scan/race'))
            .map((i) => sim().readContent(gid, i.path).toString('utf8'))
            .sort();
        expect(contents).toEqual(['the SharePoint version', 'the platform version']);
    });
});
