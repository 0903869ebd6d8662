import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { ConnectedService } from '../../support/connectedService';
import { runSync } from '../../../lib/sync/engine';
import { defaultDeps } from '../../../lib/sync/engine/deps';
import { readBaselineCount } from '../../../lib/sync/state/baselineIndex';
import { INDEX, ITEM_ROWS_FROM, readLayout } from '../../../lib/sync/state/baselineLayout';
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
} from './scenarioHarness';

/**
 * A large first sync is planned and applied a few folders at a time (engine/firstSyncInBatches.ts).
 * Here the batches are made tiny so a small drive takes many of them: files the platform already
 * holds pair up, differing ones keep both, platform-only ones go up, a folder spelled differently on
 * each side stays one folder, and the drive ends converged with nothing lost.
 */
let svc: ConnectedService;

beforeAll(async () => {
    svc = await startScenarioService();
}, 60_000);

afterAll(async () => {
    await svc?.stop();
});

/** A drive of Adele's OneDrive, connected under `name`. */
async function connect(name: string): Promise<DriveRecord> {
    return (await svc.connectDrive({ name, kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)).drive;
}

/** The engine's dependencies, with a worker that dies while applying the `n`th batch. */
async function dyingAtBatch(n: number): Promise<Awaited<ReturnType<typeof defaultDeps>>> {
    const real = await defaultDeps();
    let applied = 0;
    return {
        ...real,
        applyPlan: async (...args: Parameters<typeof real.applyPlan>) => {
            if (++applied === n) throw new Error('worker killed');
            return real.applyPlan(...args);
        },
    };
}

it('converges a first sync planned in batches of two items, as the whole-drive plan would', async () => {
    const drive = await connect('Batched OneDrive');
    const gid = drive.graph!.driveId;
    const sim = svc.sim.graph;
    for (let i = 0; i < 6; i++) sim.putFile(gid, `/Batch/Deep/n${i}/file${i}.txt`, `remote ${i}`);
    sim.putFile(gid, '/Batch/same.txt', 'identical');
    sim.putFile(gid, '/Batch/differs.txt', 'remote side');
    sim.putFile(gid, '/Case/inside.txt', 'remote case');
    const platform = new PlatformSide(await services(), drive);
    await platform.put('Batch/same.txt', 'identical');
    await platform.put('Batch/differs.txt', 'platform side');
    await platform.put('Batch/Deep/platform-only.txt', 'from the platform');
    await platform.put('case/mine.txt', 'platform case');

    const result = await syncUntilQuiet(drive, { firstSyncBatch: 2 });
    if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
    expect(result.runs[0]).toMatchObject({ firstSync: true, status: 'succeeded' });
    expect(result.runs[0]!.batches).toBeGreaterThan(3);
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);

    // Outcomes were written batch by batch: the run's record and its outcome list agree.
    const first = result.runs[0]!;
    const listed = await svc.env.api('GET', `/api/drives/${drive.id}/runs/${first.runId}?limit=500`);
    const body = listed.body as { total: number; outcomes: { path: string; action: string; status: string }[] };
    expect(body.total).toBe(Object.values(first.outcomes ?? {}).reduce((a, b) => a + b, 0));
    expect(body.outcomes.filter((o) => o.status === 'queued').map((o) => o.path)).toContain('Batch/Deep/n5/file5.txt');
    // Paging reads across the packed rows each batch wrote, in the order they were written.
    const second = (await svc.env.api('GET', `/api/drives/${drive.id}/runs/${first.runId}?limit=10&offset=10`))
        .body as typeof body;
    expect(second).toEqual({ ...body, outcomes: body.outcomes.slice(10, 20) });
    // No batch repeats another's work: one outcome per item and action.
    expect(new Set(body.outcomes.map((o) => `${o.path} ${o.action} ${o.status}`)).size).toBe(body.total);

    const remoteText = (path: string) => sim.readContent(gid, path).toString('utf8');
    expect(remoteText('/Batch/Deep/platform-only.txt')).toBe('from the platform');
    expect(await platform.read('Batch/Deep/n5/file5.txt')).toBe('remote 5');
    const copies = sim.listTree(gid).filter((i) => i.path.startsWith('/Batch/differs'));
    expect(copies.map((i) => remoteText(i.path)).sort()).toEqual(['platform side', 'remote side']);
    // One folder for Case/case (SharePoint compares names case-insensitively), holding both files.
    const caseFiles = sim.listTree(gid).filter((i) => /^\/case\//i.test(i.path) && !i.isFolder);
    expect(caseFiles.map((i) => remoteText(i.path)).sort()).toEqual(['platform case', 'remote case']);
});

it('a first sync killed after its second batch is finished by the next run: nothing twice, nothing lost', async () => {
    const drive = await connect('Killed first sync');
    const gid = drive.graph!.driveId;
    const sim = svc.sim.graph;
    for (let i = 0; i < 8; i++) sim.putFile(gid, `/K/d${i % 3}/r${i}.txt`, `remote ${i}`);
    sim.putFile(gid, '/K/both.txt', 'same on both sides');
    const platform = new PlatformSide(await services(), drive);
    for (let i = 0; i < 4; i++) await platform.put(`K/d${i % 2}/p${i}.txt`, `platform ${i}`);
    await platform.put('K/both.txt', 'same on both sides');

    // The worker dies while applying the third batch: two batches' actions are done, the cursor has not moved.
    const dying = await dyingAtBatch(3);
    const killed = await runSync(await services(), syncMessage(drive), { deps: dying, firstSyncBatch: 3 });
    expect(killed).toMatchObject({ outcome: 'ran', run: { status: 'failed' } });
    await processTransfers();

    // The transfers the first attempt queued are done and waiting to be folded into the baseline.
    const result = await syncUntilQuiet(drive, { firstSyncBatch: 3 });
    if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
    // It was finished as the first sync it was, batch by batch from its journaled listing, not by
    // loading the drive's listing and baseline whole.
    expect(result.runs[0]).toMatchObject({ firstSync: true, delta: { resumed: true } });
    expect(result.runs[0]!.foldedTransfers).toBeGreaterThan(0);
    expect(result.runs[0]!.batches).toBeGreaterThan(1);
    // The rows the first attempt's transfers wrote were rewritten in place: count, rows and index agree.
    const stored = await storedRows(drive.id);
    expect(stored.index).toBe(stored.items);
    expect(await readBaselineCount(await services(), drive.id)).toBe(stored.items);
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);
    // Every file once on each side: no conflict copies of files the first attempt already paired or copied.
    const files = sim
        .listTree(gid)
        .filter((i) => !i.isFolder && i.path.startsWith('/K/'))
        .map((i) => i.path)
        .sort();
    expect(files).toEqual(
        [
            ...Array.from({ length: 8 }, (_, i) => `/K/d${i % 3}/r${i}.txt`),
            ...Array.from({ length: 4 }, (_, i) => `/K/d${i % 2}/p${i}.txt`),
            '/K/both.txt',
        ].sort(),
    );
});

it('a small first sync cut short keeps the exact plan: a rename made in between stays a rename', async () => {
    const drive = await connect('Cut short, small');
    const gid = drive.graph!.driveId;
    const sim = svc.sim.graph;
    for (let i = 0; i < 8; i++) sim.putFile(gid, `/0S/d${i % 3}/r${i}.txt`, `remote ${i}`);
    const platform = new PlatformSide(await services(), drive);
    const dying = await dyingAtBatch(5);
    // Batches come folder by folder, parents first ('0S' sorts before the demo folders): the root, 0S,
    // 0S/d0 and 0S/d1 are applied, then the worker dies.
    await runSync(await services(), syncMessage(drive), { deps: dying, firstSyncBatch: 3 });
    await processTransfers();
    // SharePoint renames a file the first attempt already copied, before the run that finishes it.
    const copied = (await platform.tree()).keys();
    const done = [...copied].find((p) => /^0S\/d\d\/r\d\.txt$/.test(p))!;
    expect(done).toBeDefined();
    sim.rename(gid, `/${done}`, 'renamed.txt');

    // Ten batches of 1,000 is more than this listing: the run plans three-way over the whole baseline.
    const result = await syncUntilQuiet(drive, { firstSyncBatch: 1000 });
    if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
    expect(result.runs[0]).toMatchObject({ firstSync: false });
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);
    const renamed = done.replace(/r\d\.txt$/, 'renamed.txt');
    expect(await platform.exists(done)).toBe(false);
    expect(await platform.exists(renamed)).toBe(true);
    expect(sim.getItem(gid, `/${done}`)).toBeUndefined();
});

it('a first sync killed after some batches, resumed in batches: a platform rename, delete and edit made in between reach SharePoint', async () => {
    const drive = await connect('Killed, changed, resumed');
    const gid = drive.graph!.driveId;
    const sim = svc.sim.graph;
    for (let i = 0; i < 9; i++) sim.putFile(gid, `/0R/d${i % 3}/r${i}.txt`, `remote ${i}`);
    const platform = new PlatformSide(await services(), drive);
    await platform.put('0R/d2/mine.txt', 'from the platform');
    // Batches of three, parents first ('0R' sorts before the other folders; this test runs last, as
    // '0R' would come before the '0S' of the test above): the root, 0R, 0R/d0 and
    // 0R/d1 are applied, then the worker dies; the downloads they queued are carried out.
    const dying = await dyingAtBatch(5);
    const killed = await runSync(await services(), syncMessage(drive), { deps: dying, firstSyncBatch: 3 });
    expect(killed).toMatchObject({ outcome: 'ran', run: { status: 'failed' } });
    await processTransfers();
    for (const done of ['0R/d0/r0.txt', '0R/d0/r3.txt', '0R/d1/r1.txt'])
        expect(await platform.read(done)).toBeDefined();
    const id = (path: string) => sim.getItem(gid, path)!.id;
    const renamedId = id('/0R/d0/r0.txt');
    const deletedId = id('/0R/d0/r3.txt');
    const editedId = id('/0R/d1/r1.txt');

    // The platform changes three files the first attempt already synced, before the run that finishes it.
    await platform.move('0R/d0/r0.txt', '0R/d0/renamed.txt');
    await platform.remove('0R/d0/r3.txt');
    await platform.put('0R/d1/r1.txt', 'edited on the platform');

    // Ten batches of three is less than this listing: the run resumes in batches, each planned
    // three-way against the rows the first attempt's transfers wrote.
    const result = await syncUntilQuiet(drive, { firstSyncBatch: 3 });
    if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
    expect(result.runs[0]).toMatchObject({ firstSync: true, delta: { resumed: true } });
    expect(result.runs[0]!.batches).toBeGreaterThan(1);
    expect(result.runs[0]!.baselineEntries).toBeGreaterThan(0);
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);

    // The rename is a rename of the same item, not a copy back and a new upload.
    expect(sim.getItem(gid, '/0R/d0/r0.txt')).toBeUndefined();
    expect(sim.getItem(gid, '/0R/d0/renamed.txt')?.id).toBe(renamedId);
    expect(await platform.exists('0R/d0/r0.txt')).toBe(false);
    // The delete went to SharePoint's recycle bin, and was not downloaded again.
    expect(sim.getItem(gid, deletedId)?.deleted).toBe(true);
    expect(await platform.exists('0R/d0/r3.txt')).toBe(false);
    // The edit was uploaded over the same item: no conflict copy.
    expect(sim.getItem(gid, '/0R/d1/r1.txt')?.id).toBe(editedId);
    expect(sim.readContent(gid, '/0R/d1/r1.txt').toString('utf8')).toBe('edited on the platform');
    const files = sim
        .listTree(gid)
        .filter((i) => !i.isFolder && i.path.startsWith('/0R/'))
        .map((i) => i.path)
        .sort();
    expect(files).toEqual(
        [
            ...[1, 2, 4, 5, 6, 7, 8].map((i) => `/0R/d${i % 3}/r${i}.txt`),
            '/0R/d0/renamed.txt',
            '/0R/d2/mine.txt',
        ].sort(),
    );
});

it('a batched resume holds the deletes made in between once they pass the big-delete limits over its batches, until approved', async () => {
    const drive = await connect('Killed, emptied, resumed');
    const gid = drive.graph!.driveId;
    const sim = svc.sim.graph;
    for (let i = 0; i < 9; i++) sim.putFile(gid, `/0Q/d${i % 3}/q${i}.txt`, `remote ${i}`);
    const platform = new PlatformSide(await services(), drive);
    // As above: the root, 0Q, 0Q/d0 and 0Q/d1 are applied ('0Q' sorts first), then the worker dies.
    await runSync(await services(), syncMessage(drive), { deps: await dyingAtBatch(5), firstSyncBatch: 3 });
    await processTransfers();
    const synced = [0, 1, 3, 4, 6, 7].map((i) => `0Q/d${i % 3}/q${i}.txt`);
    for (const path of synced) expect(await platform.read(path)).toBeDefined();
    // The platform deletes the six files the first attempt synced, three in each folder: each batch's
    // deletes are under the limit, the run's are over it.
    for (const path of synced) await platform.remove(path);
    const lowered = await svc.env.api('PATCH', '/api/manage/properties', {
        body: { BigDeleteMaxCount: 4, BigDeleteMaxPercent: 1 },
    });
    expect(lowered.status).toBe(200);
    try {
        const held = await syncUntilQuiet(drive, { firstSyncBatch: 3 });
        const first = held.runs[0]!;
        expect(first).toMatchObject({ firstSync: true, status: 'held' });
        expect(first.heldDeletes?.remote).toBe(6);
        // The first folder's three deletes stayed under the limits and went to the recycle bin; the
        // second folder's took the run past them and wait for a person. Nothing was copied back.
        const [d0, d1] = [synced.filter((p) => p.includes('/d0/')), synced.filter((p) => p.includes('/d1/'))];
        for (const path of d0) expect(sim.getItem(gid, `/${path}`)).toBeUndefined();
        for (const path of d1) expect(sim.getItem(gid, `/${path}`)?.deleted).toBe(false);
        for (const path of synced) expect(await platform.exists(path)).toBe(false);

        const approved = await svc.env.api('POST', `/api/drives/${drive.id}/deletes/approve`);
        expect(approved.status).toBe(202);
        const result = await syncUntilQuiet(drive, { firstSyncBatch: 3 });
        if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
        expect(result.runs[0]).toMatchObject({ firstSync: true, deleteDecision: 'approved', status: 'succeeded' });
        for (const path of synced) expect(sim.getItem(gid, `/${path}`)).toBeUndefined();
        const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
        if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);
    } finally {
        await svc.env.api('PATCH', '/api/manage/properties', {
            body: { BigDeleteMaxCount: 50, BigDeleteMaxPercent: 20 },
        });
    }
}, 90_000);

/** Item rows and path-index rows of a drive's baseline, counted in Table Storage. */
async function storedRows(driveId: string): Promise<{ items: number; index: number }> {
    const table = (await services()).tables.get('baselines');
    const { layout } = await readLayout(await services(), driveId);
    let items = 0;
    let index = 0;
    for (const partition of layout.partitions)
        for await (const row of (await table).listEntities<{ rowKey: string }>({
            queryOptions: { filter: `PartitionKey eq '${partition}'`, select: ['RowKey'] },
        })) {
            if (row.rowKey.startsWith(INDEX)) index++;
            else if (row.rowKey >= ITEM_ROWS_FROM) items++;
        }
    return { items, index };
}
