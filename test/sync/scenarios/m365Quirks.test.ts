import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { ItemOutcome } from '../../../lib/sync/contracts';
import { runSync } from '../../../lib/sync/engine';
import { defaultDeps, type SyncDeps } from '../../../lib/sync/engine/deps';
import { loadCursor, saveCursor } from '../../../lib/sync/remote';
import type { RunRecord } from '../../../lib/sync/runs';
import type { ConnectedService } from '../../support/connectedService';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    remoteTree,
    runOutcomes,
    services,
    startScenarioService,
    syncMessage,
    syncUntilQuiet,
    transferLog,
    treeDiff,
    type QuietResult,
} from './scenarioHarness';

/**
 * What real Microsoft 365 does that a polite simulator did not (reference/m365-quirks.md entries 4–9),
 * end to end through the sync engine and the transfer handler: 410s whose reason decides whether
 * SharePoint's deletes win, tombstones that never come, files without hashes, OneNote notebooks,
 * shortcuts and the 400-character limit counted from the site.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let platform: PlatformSide;
let gid: string;
let library: DriveRecord;
let libPlatform: PlatformSide;
let libId: string;

const sim = () => svc.sim.graph;

async function quietOf(d: DriveRecord, trigger: 'manual' | 'webhook' = 'manual'): Promise<QuietResult> {
    const result = await syncUntilQuiet(d, { trigger });
    if (!isQuiet(result))
        throw new Error(
            `${d.name} did not get quiet:\n${describeRuns(result)}\nTransfer log:\n${transferLog.slice(-12).join('\n')}`,
        );
    return result;
}

/** Both trees, without what the sync leaves in SharePoint on purpose (notebooks, shortcuts). */
async function expectConverged(d: DriveRecord, side: PlatformSide, result?: QuietResult): Promise<void> {
    const graphId = d.graph!.driveId;
    const skipped = sim()
        .listTree(graphId)
        .filter((i) => i.packageType || i.shortcutTo)
        .map((i) => i.path.slice(1));
    const remote = new Map(
        [...remoteTree(svc, graphId)].filter(([p]) => !skipped.some((s) => p === s || p.startsWith(`${s}/`))),
    );
    const diff = treeDiff(remote, await side.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}${result ? `\n${describeRuns(result)}` : ''}`);
}

async function allOutcomes(d: DriveRecord, result: QuietResult): Promise<ItemOutcome[]> {
    const out: ItemOutcome[] = [];
    for (const run of result.runs) out.push(...(await runOutcomes(svc, d.id, run.runId)));
    return out;
}

async function ran(d: DriveRecord, trigger: 'manual' | 'webhook' = 'manual'): Promise<RunRecord> {
    const result = await runSync(await services(), syncMessage(d, { trigger }));
    if (result.outcome !== 'ran') throw new Error(`expected a run, got ${JSON.stringify(result)}`);
    return result.run;
}

const contentGets = (graphId: string): number =>
    svc.sim.simulator.requests.entries.filter(
        (r) => r.method === 'GET' && r.path.includes(graphId) && /\/content$/.test(r.path),
    ).length;

beforeAll(async () => {
    svc = await startScenarioService();
    drive = (
        await svc.connectDrive(
            { name: 'Quirks OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        )
    ).drive;
    gid = drive.graph!.driveId;
    platform = new PlatformSide(await services(), drive);
    const connected = (
        await svc.connectDrive(
            { name: 'Quirks library', kind: 'sharepoint' },
            svc.sim.demo.users.megan.userPrincipalName,
        )
    ).drive;
    library = await svc.selectLibrary(connected.id, 'Documents');
    libId = library.graph!.driveId;
    libPlatform = new PlatformSide(await services(), library);
    await expectConverged(drive, platform, await quietOf(drive));
    await expectConverged(library, libPlatform, await quietOf(library));
}, 180_000);

afterAll(async () => {
    await svc?.stop();
});

describe('410 Gone: the reason decides whether SharePoint-side deletes win', () => {
    it.each([
        ['resyncRequired', 'absent', 'resyncRequired'],
        ['resyncChangesApplyDifferences', 'valid', 'applyDifferences'],
    ] as const)(
        '%s (Location %s): a file deleted in SharePoint during the gap is deleted on the platform, an edited one survives',
        async (variant, location, reason) => {
            const dir = `G-${variant}`;
            sim().putFile(gid, `/${dir}/deleted.txt`, 'deleted in SharePoint');
            sim().putFile(gid, `/${dir}/edited.txt`, 'v1');
            sim().putFile(gid, `/${dir}/kept.txt`, 'kept');
            await expectConverged(drive, platform, await quietOf(drive));
            sim().remove(gid, `/${dir}/deleted.txt`);
            sim().remove(gid, `/${dir}/edited.txt`);
            await platform.put(`${dir}/edited.txt`, 'edited on the platform meanwhile');
            sim().expireDeltaTokens(gid, variant, location);
            const result = await quietOf(drive);
            expect(result.runs[0]).toMatchObject({ resync: true, resyncReason: reason });
            // The listing was read against the stored baseline, not held with it (listingChanges.ts).
            expect(result.runs[0]!.listingChanges).toBeLessThan(result.runs[0]!.baselineEntries!);
            expect(await platform.exists(`${dir}/deleted.txt`)).toBe(false);
            expect(sim().getItem(gid, `/${dir}/deleted.txt`)).toBeUndefined();
            expect(sim().readContent(gid, `/${dir}/edited.txt`).toString()).toBe('edited on the platform meanwhile');
            const outcomes = await allOutcomes(drive, result);
            expect(outcomes.find((o) => o.path === `${dir}/deleted.txt`)).toMatchObject({
                action: 'deletePlatform',
                code: 'unlisted_on_remote',
            });
            await expectConverged(drive, platform, result);
        },
        60_000,
    );

    it('resyncChangesUploadDifferences: a file missing from the listing is uploaded again, never deleted', async () => {
        sim().putFile(gid, '/G-upload/gone.txt', 'gone from SharePoint');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().remove(gid, '/G-upload/gone.txt');
        sim().expireDeltaTokens(gid, 'resyncChangesUploadDifferences');
        const result = await quietOf(drive);
        expect(result.runs[0]).toMatchObject({ resync: true, resyncReason: 'uploadDifferences' });
        expect(result.runs[0]!.listingChanges).toBeLessThan(result.runs[0]!.baselineEntries!);
        expect(sim().readContent(gid, '/G-upload/gone.txt').toString()).toBe('gone from SharePoint');
        await expectConverged(drive, platform, result);
    }, 60_000);

    it('a resync cut short between pages is finished from the journal, the baseline read a page at a time', async () => {
        sim().putFile(gid, '/G-cut/gone.txt', 'deleted in SharePoint during the gap');
        sim().putFile(gid, '/G-cut/kept.txt', 'kept');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().setOptions({ delta: { pageSize: 5 } });
        const base = await defaultDeps();
        const wholeLoads: string[] = [];
        const deps: Partial<SyncDeps> = {
            loadBaseline: (s, driveId) => {
                wholeLoads.push(driveId);
                return base.loadBaseline(s, driveId);
            },
        };
        try {
            sim().removeWithoutTombstone(gid, '/G-cut/gone.txt');
            sim().expireDeltaTokens(gid, 'resyncRequired', 'absent');
            // The 410, two pages of the fresh enumeration, then a failure: the run stops with the resync underway.
            sim().addFault({ kind: 'error', status: 500, path: '/delta', skip: 3, count: 1 });
            const crashed = await runSync(await services(), syncMessage(drive), { deps });
            expect(crashed.outcome === 'ran' && crashed.run.status).toBe('failed');
            const { cursor } = await loadCursor(await services(), drive.id);
            expect(cursor).toMatchObject({ resync: { reason: 'resyncRequired' }, fullListing: true });
            expect(cursor?.deltaLink).toBeUndefined();
            expect(cursor?.pages).toBeGreaterThan(0);

            const resumed = await runSync(await services(), syncMessage(drive), { deps });
            const run = resumed.outcome === 'ran' ? resumed.run : undefined;
            expect(run).toMatchObject({
                status: 'succeeded',
                resync: true,
                firstSync: false,
                counts: { deletePlatform: 1 },
            });
            expect(run?.delta?.resumed).toBe(true);
            // Neither run held the drive: no whole-baseline load, the listing read as its differences.
            expect(wholeLoads).toEqual([]);
            expect(run?.listingChanges).toBeLessThan(run!.baselineEntries!);
            expect(await platform.exists('G-cut/gone.txt')).toBe(false);
            expect(await platform.read('G-cut/kept.txt')).toBe('kept');
        } finally {
            sim().setOptions({ delta: { pageSize: 200 } });
            sim().clearFaults();
        }
        await expectConverged(drive, platform, await quietOf(drive));
    }, 60_000);

    it('never follows a failing Location and never keeps one in the cursor: the next runs start afresh', async () => {
        sim().putFile(gid, '/G-loc/a.txt', 'a');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().expireDeltaTokens(gid, 'resyncRequired', 'fails');
        // The two delta requests after the 410 fail with 500 (whichever URL they go to).
        sim().addFault({ kind: 'error', status: 500, path: '/delta', skip: 1, count: 2 });
        svc.sim.simulator.requests.clear();
        try {
            const runs: RunRecord[] = [];
            for (let i = 0; i < 4 && runs.at(-1)?.status !== 'succeeded'; i++) {
                runs.push(await ran(drive));
                const { cursor } = await loadCursor(await services(), drive.id);
                // Whatever the run did, the cursor never points at a Location that has not worked.
                expect(cursor?.nextLink ?? '').not.toMatch(/token=/);
            }
            expect(runs.at(-1)).toMatchObject({ status: 'succeeded', resync: true });
            expect(runs.length).toBeLessThanOrEqual(3);
        } finally {
            sim().clearFaults();
        }
        // Only the injected faults failed: the failing Location was never asked.
        const failedDelta = svc.sim.simulator.requests.entries.filter(
            (r) => /\/delta$/.test(r.path) && r.status === 500,
        );
        expect(failedDelta).toHaveLength(2);
        await expectConverged(drive, platform, await quietOf(drive));
    }, 60_000);
});

/** Makes the periodic reconciliation listing due, as if its interval had passed. */
async function makeReconciliationDue(d: DriveRecord): Promise<void> {
    const s = await services();
    const { cursor } = await loadCursor(s, d.id);
    await saveCursor(s, d.id, { ...cursor!, remoteListedAt: '2000-01-01T00:00:00.000Z' });
}

describe('deletes delta never reported', () => {
    it('are found by the periodic reconciliation listing, with a per-item reason', async () => {
        sim().putFile(gid, '/T1/stale.txt', 'delta never says this went');
        sim().putFile(gid, '/T1/stays.txt', 'stays');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().removeWithoutTombstone(gid, '/T1/stale.txt');
        // Delta says nothing: an incremental run cannot know.
        await quietOf(drive, 'webhook');
        expect(await platform.exists('T1/stale.txt')).toBe(true);
        await makeReconciliationDue(drive);
        svc.sim.simulator.requests.clear();
        const result = await quietOf(drive, 'webhook');
        expect(result.runs[0]).toMatchObject({ remoteListing: 'reconcile' });
        // Read against the stored baseline: only the listing's differences are planned, not the drive.
        const run = result.runs[0]!;
        expect(run.listingChanges).toBeGreaterThan(0);
        expect(run.listingChanges).toBeLessThan(run.baselineEntries!);
        expect(run.plannedBaselineEntries).toBeLessThan(run.baselineEntries!);
        expect(await platform.exists('T1/stale.txt')).toBe(false);
        expect(await platform.read('T1/stays.txt')).toBe('stays');
        const outcome = (await allOutcomes(drive, result)).find((o) => o.path === 'T1/stale.txt');
        expect(outcome).toMatchObject({ action: 'deletePlatform', code: 'unlisted_on_remote' });
        // One fresh enumeration: its pages, no per-folder listing.
        expect(svc.sim.simulator.requests.count('GET', /\/children$/)).toBe(0);
        await expectConverged(drive, platform, result);
    }, 60_000);

    it('an edit on the platform to a file deleted in SharePoint without a tombstone is not lost nor retried forever', async () => {
        sim().putFile(gid, '/T4/edited.txt', 'v1');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().removeWithoutTombstone(gid, '/T4/edited.txt');
        await platform.put('T4/edited.txt', 'v2 from the platform');
        const result = await quietOf(drive, 'webhook');
        expect(sim().readContent(gid, '/T4/edited.txt').toString()).toBe('v2 from the platform');
        await expectConverged(drive, platform, result);
    }, 60_000);

    it('still go through the big-delete guard', async () => {
        for (let i = 0; i < 8; i++) sim().putFile(gid, `/T2/f${i}.txt`, `t2 ${i}`);
        await expectConverged(drive, platform, await quietOf(drive));
        const lowered = await svc.env.api('PATCH', '/api/manage/properties', {
            body: { BigDeleteMaxCount: 5, BigDeleteMaxPercent: 1 },
        });
        expect(lowered.status).toBe(200);
        try {
            sim().removeWithoutTombstone(gid, '/T2');
            await makeReconciliationDue(drive);
            const held = await syncUntilQuiet(drive, { trigger: 'webhook' });
            expect(held.runs.at(-1)!.status).toBe('held');
            expect(await platform.exists('T2/f0.txt')).toBe(true);
            const approved = await svc.env.api('POST', `/api/drives/${drive.id}/deletes/approve`);
            expect(approved.status).toBe(202);
            const result = await quietOf(drive, 'webhook');
            expect(await platform.exists('T2/f0.txt')).toBe(false);
            await expectConverged(drive, platform, result);
        } finally {
            await svc.env.api('PATCH', '/api/manage/properties', {
                body: { BigDeleteMaxCount: 50, BigDeleteMaxPercent: 20 },
            });
        }
    }, 90_000);

    it('a folder deleted and recreated without a tombstone never leaves two items at one path', async () => {
        sim().putFile(gid, '/T3/X/old.txt', 'old');
        await expectConverged(drive, platform, await quietOf(drive));
        sim().removeWithoutTombstone(gid, '/T3/X');
        const recreated = sim().mkdirp(gid, '/T3/X');
        sim().putFile(gid, '/T3/X/new.txt', 'new');
        const result = await quietOf(drive, 'webhook');
        // SharePoint is left as its user made it: no rename of the new folder, no conflict copy.
        expect(sim().getItem(gid, '/T3/X')!.id).toBe(recreated.id);
        expect(
            sim()
                .listTree(gid)
                .filter((i) => i.path.startsWith('/T3/'))
                .map((i) => i.path),
        ).toEqual(['/T3/X', '/T3/X/new.txt']);
        expect(await platform.exists('T3/X/old.txt')).toBe(false);
        expect(await platform.read('T3/X/new.txt')).toBe('new');
        await expectConverged(drive, platform, result);
    }, 60_000);
});

describe('files without hashes', () => {
    it('a metadata-only change never downloads again; a content change does', async () => {
        sim().putFile(libId, '/H1/notes.one', 'section one');
        sim().putFile(libId, '/H1/odd.bin', 'odd bytes');
        sim().setHashless(libId, '/H1/odd.bin', true);
        await expectConverged(library, libPlatform, await quietOf(library));
        expect(await libPlatform.read('H1/notes.one')).toBe('section one');

        svc.sim.simulator.requests.clear();
        sim().rename(libId, '/H1/notes.one', 'renamed.one');
        sim().rename(libId, '/H1/odd.bin', 'odd2.bin');
        const renamed = await quietOf(library, 'webhook');
        expect(contentGets(libId)).toBe(0);
        expect(renamed.transfers).toHaveLength(0);
        expect(await libPlatform.read('H1/renamed.one')).toBe('section one');
        await expectConverged(library, libPlatform, renamed);

        // Same size, other bytes: the content tag moved, so it comes down.
        sim().putFile(libId, '/H1/renamed.one', 'section 1!!');
        const edited = await quietOf(library, 'webhook');
        expect(edited.transfers.map((t) => t.direction)).toEqual(['download']);
        expect(await libPlatform.read('H1/renamed.one')).toBe('section 1!!');
        const again = await quietOf(library, 'webhook');
        expect(again.transfers).toHaveLength(0);
    }, 60_000);
});

describe('items the sync leaves alone, and says why', () => {
    it('a OneNote notebook is skipped whole, with an outcome an admin understands', async () => {
        const notebook = sim().createNotebook(libId, '/N1/Team Notes', { sections: ['Meetings'] });
        sim().putFile(libId, '/N1/readme.txt', 'a normal file');
        const result = await quietOf(library);
        expect(await libPlatform.read('N1/readme.txt')).toBe('a normal file');
        const tree = await libPlatform.tree();
        expect([...tree.keys()].filter((p) => p.startsWith('N1/Team Notes'))).toEqual([]);
        const outcomes = await allOutcomes(library, result);
        const skip = outcomes.find((o) => o.path === 'N1/Team Notes');
        expect(skip).toMatchObject({ action: 'skip', status: 'skipped', code: 'onenote_notebook' });
        expect(skip!.message).toMatch(/OneNote notebook: not synced/);
        expect(skip!.hint).toMatch(/open it in OneNote/i);
        const inside = outcomes.filter((o) => o.path.startsWith('N1/Team Notes/'));
        expect(inside.length).toBeGreaterThan(0);
        expect(new Set(inside.map((o) => o.code))).toEqual(new Set(['onenote_notebook_content']));
        // An edit in the notebook changes nothing on the platform.
        sim().putFile(libId, '/N1/Team Notes/Meetings.one', 'new notes');
        const later = await quietOf(library, 'webhook');
        expect(later.transfers).toHaveLength(0);
        expect(sim().getItem(libId, notebook.id)?.packageType).toBe('oneNote');
        await expectConverged(library, libPlatform, later);
    }, 60_000);

    it('a shortcut to another drive is skipped (never an empty folder), with its outcome', async () => {
        const shortcut = sim().addShortcut(gid, { driveId: libId, pathOrId: '/H1' }, 'Team shortcut');
        const result = await quietOf(drive);
        expect(await platform.exists('Team shortcut')).toBe(false);
        expect([...(await platform.tree()).keys()].some((p) => p.startsWith('Team shortcut'))).toBe(false);
        const skip = (await allOutcomes(drive, result)).find((o) => o.path === 'Team shortcut');
        expect(skip).toMatchObject({ action: 'skip', status: 'skipped', code: 'shortcut' });
        expect(skip!.message).toMatch(/shortcut/i);
        expect(sim().getItem(gid, shortcut.id)).toBeDefined();
        await expectConverged(drive, platform, result);
    }, 60_000);
});

describe('the 400-character limit, counted from the site', () => {
    it("a platform path that fits inside the drive but not after the library's own path is skipped before any call", async () => {
        // The library's decoded server-relative root, `/sites/intranet/Shared Documents`, is 32 characters.
        const folder = 'P'.repeat(180);
        const name = `${'n'.repeat(179)}.txt`;
        const path = `L1/${folder}/${name}`; // 367 characters: under 400 alone, 400 with the site's part
        expect(path.length).toBe(367);
        await libPlatform.put(path, 'too deep');
        await libPlatform.put('L1/short.txt', 'fine');
        svc.sim.simulator.requests.clear();
        const result = await quietOf(library);
        expect(sim().getItem(libId, '/L1/short.txt')).toBeDefined();
        const outcome = (await allOutcomes(library, result)).find((o) => o.path === path);
        expect(outcome).toMatchObject({ status: 'skipped', code: 'path_too_long' });
        expect(svc.sim.simulator.requests.entries.filter((r) => r.status === 400)).toEqual([]);
        await libPlatform.remove('L1');
        await quietOf(library);
    }, 60_000);

    it("a first sync counts the site's path too", async () => {
        const megan = svc.sim.demo.users.megan;
        // `/sites/` + 60 characters + `/Docs`: 72 characters before the drive's own path.
        const site = sim().createSite({
            tenantId: svc.sim.demo.tenantId,
            name: 'Deep',
            path: `/sites/${'s'.repeat(60)}`,
            members: { [megan.id]: 'write' },
        });
        const docs = sim().createLibrary(site.id, 'Docs');
        const connected = (await svc.connectDrive({ name: 'Deep site', kind: 'sharepoint' }, megan.userPrincipalName))
            .drive;
        const patched = await svc.env.api('PATCH', `/api/drives/${connected.id}`, {
            body: { siteId: site.id, graphDriveId: docs.id },
        });
        expect(patched.status).toBe(200);
        const deep = patched.body as DriveRecord;
        const side = new PlatformSide(await services(), deep);
        const path = `${'d'.repeat(200)}/${'f'.repeat(122)}.txt`; // 327 characters: 400 with the site's 72 and a slash
        await side.put(path, 'too deep for this site');
        await side.put('fine.txt', 'fine');
        svc.sim.simulator.requests.clear();
        const result = await quietOf(deep);
        expect(result.runs[0]!.firstSync).toBe(true);
        expect(sim().getItem(docs.id, '/fine.txt')).toBeDefined();
        const outcome = (await allOutcomes(deep, result)).find((o) => o.path === path);
        expect(outcome).toMatchObject({ status: 'skipped', code: 'path_too_long' });
        expect(svc.sim.simulator.requests.entries.filter((r) => r.status === 400)).toEqual([]);
    }, 60_000);
});
