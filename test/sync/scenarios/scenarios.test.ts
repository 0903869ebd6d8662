import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { SyncMessage } from '../../../lib/sync/contracts';
import { runSync, type SyncResult } from '../../../lib/sync/engine';
import type { ConnectedService } from '../../support/connectedService';
import {
    describeRuns,
    hashOf,
    isQuiet,
    PlatformSide,
    processTransfers,
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
 * Issue 5's scenarios, end to end: the real sync engine and transfer handler, Azurite, and the
 * Microsoft 365 simulator over HTTPS, on Adele's OneDrive of the demo tenant. Each test edits its own
 * folder on one side or both, syncs until quiet, and checks both sides hold the same tree.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let platform: PlatformSide;
let gid: string;

const sim = () => svc.sim.graph;

async function quiet(): Promise<QuietResult> {
    const result = await syncUntilQuiet(drive);
    if (!isQuiet(result))
        throw new Error(
            `The drive did not get quiet:\n${describeRuns(result)}\nTransfer log:\n${transferLog.slice(-12).join('\n')}`,
        );
    return result;
}

async function expectConverged(result?: QuietResult): Promise<void> {
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}${result ? `\n${describeRuns(result)}` : ''}`);
}

const remoteText = (path: string): string | undefined =>
    sim().getItem(gid, path) ? sim().readContent(gid, path).toString('utf8') : undefined;
const names = (folder: string): string[] =>
    sim()
        .listTree(gid)
        .filter((i) => i.path.startsWith(`/${folder}/`) && i.path.lastIndexOf('/') === folder.length + 1)
        .map((i) => i.name)
        .sort();

beforeAll(async () => {
    svc = await startScenarioService();
    drive = (
        await svc.connectDrive(
            { name: 'Scenario OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        )
    ).drive;
    gid = drive.graph!.driveId;
    platform = new PlatformSide(await services(), drive);
    // The demo content comes down first; every scenario starts from a converged drive.
    const first = await quiet();
    expect(first.runs[0]!.firstSync).toBe(true);
    await expectConverged(first);
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

describe('one side changes', () => {
    it('a file created, edited, renamed, moved and deleted on SharePoint follows on the platform', async () => {
        sim().putFile(gid, '/R1/a.txt', 'remote a v1');
        sim().putFile(gid, '/R1/sub/b.txt', 'remote b v1');
        await expectConverged(await quiet());
        expect(await platform.read('R1/a.txt')).toBe('remote a v1');

        sim().putFile(gid, '/R1/a.txt', 'remote a v2');
        sim().rename(gid, '/R1/sub/b.txt', 'b-renamed.txt');
        await expectConverged(await quiet());
        expect(await platform.read('R1/a.txt')).toBe('remote a v2');
        expect(await platform.read('R1/sub/b-renamed.txt')).toBe('remote b v1');

        sim().move(gid, '/R1/sub/b-renamed.txt', '/R1/other');
        sim().remove(gid, '/R1/a.txt');
        await expectConverged(await quiet());
        expect(await platform.exists('R1/a.txt')).toBe(false);
        expect(await platform.read('R1/other/b-renamed.txt')).toBe('remote b v1');
    }, 60_000);

    it('a file created, edited, renamed, moved and deleted on the platform follows on SharePoint', async () => {
        await platform.put('P1/a.txt', 'platform a v1');
        await platform.put('P1/sub/b.txt', 'platform b v1');
        await expectConverged(await quiet());
        expect(remoteText('/P1/a.txt')).toBe('platform a v1');
        const bId = sim().getItem(gid, '/P1/sub/b.txt')!.id;

        await platform.put('P1/a.txt', 'platform a v2');
        await platform.move('P1/sub/b.txt', 'P1/sub/b-renamed.txt');
        await expectConverged(await quiet());
        expect(remoteText('/P1/a.txt')).toBe('platform a v2');
        // A rename, not a delete + upload: the item keeps its id.
        expect(sim().getItem(gid, '/P1/sub/b-renamed.txt')!.id).toBe(bId);

        await platform.move('P1/sub/b-renamed.txt', 'P1/other/b-renamed.txt');
        await platform.remove('P1/a.txt');
        await expectConverged(await quiet());
        expect(sim().getItem(gid, '/P1/a.txt')).toBeUndefined();
        expect(sim().getItem(gid, '/P1/other/b-renamed.txt')!.id).toBe(bId);
    }, 60_000);
});

describe('folders the platform only implies', () => {
    it('a folder emptied on SharePoint (last file deleted or moved out) stays a folder on both sides', async () => {
        // Created on the platform: its folders exist there only as blob-name prefixes (no marker blob).
        await platform.put('M1/del/only.txt', 'only');
        await platform.put('M1/out/only.txt', 'only out');
        await expectConverged(await quiet());
        sim().remove(gid, '/M1/del/only.txt');
        sim().move(gid, '/M1/out/only.txt', '/M1');
        const result = await quiet();
        expect(sim().getItem(gid, '/M1/del')?.isFolder).toBe(true);
        expect(sim().getItem(gid, '/M1/out')?.isFolder).toBe(true);
        await expectConverged(result);
    }, 60_000);

    it('an empty folder renamed on SharePoint stays a folder on both sides', async () => {
        await platform.put('M2/box/f.txt', 'f');
        await expectConverged(await quiet());
        sim().move(gid, '/M2/box/f.txt', '/M2');
        sim().rename(gid, '/M2/box', 'crate');
        const result = await quiet();
        expect(sim().getItem(gid, '/M2/crate')?.isFolder).toBe(true);
        await expectConverged(result);
    }, 60_000);
});

describe('both sides change', () => {
    it('different files changed on both sides at once all arrive on the other side', async () => {
        sim().putFile(gid, '/B1/keep.txt', 'keep v1');
        sim().putFile(gid, '/B1/r-edit.txt', 'r-edit v1');
        sim().putFile(gid, '/B1/p-edit.txt', 'p-edit v1');
        sim().putFile(gid, '/B1/r-del.txt', 'r-del v1');
        sim().putFile(gid, '/B1/p-del.txt', 'p-del v1');
        sim().putFile(gid, '/B1/r-ren.txt', 'r-ren v1');
        sim().putFile(gid, '/B1/p-ren.txt', 'p-ren v1');
        await expectConverged(await quiet());

        sim().putFile(gid, '/B1/r-edit.txt', 'r-edit v2');
        sim().remove(gid, '/B1/r-del.txt');
        sim().rename(gid, '/B1/r-ren.txt', 'r-ren2.txt');
        sim().putFile(gid, '/B1/r-new.txt', 'r-new');
        await platform.put('B1/p-edit.txt', 'p-edit v2');
        await platform.remove('B1/p-del.txt');
        await platform.move('B1/p-ren.txt', 'B1/moved/p-ren2.txt');
        await platform.put('B1/p-new.txt', 'p-new');
        const result = await quiet();
        await expectConverged(result);
        expect(names('B1')).toEqual([
            'keep.txt',
            'moved',
            'p-edit.txt',
            'p-new.txt',
            'r-edit.txt',
            'r-new.txt',
            'r-ren2.txt',
        ]);
        expect(remoteText('/B1/p-edit.txt')).toBe('p-edit v2');
        expect(await platform.read('B1/r-edit.txt')).toBe('r-edit v2');
        expect(remoteText('/B1/moved/p-ren2.txt')).toBe('p-ren v1');
    }, 60_000);

    it('the same file edited on both sides, keep-both: both versions survive, the loser as a dated conflict copy', async () => {
        sim().putFile(gid, '/C1/plan.txt', 'base');
        await expectConverged(await quiet());
        sim().putFile(gid, '/C1/plan.txt', 'remote edit');
        await platform.put('C1/plan.txt', 'platform edit');
        const result = await quiet();
        await expectConverged(result);
        const files = names('C1');
        expect(files).toHaveLength(2);
        const copy = files.find((n) => n !== 'plan.txt')!;
        expect(copy).toMatch(/^plan \(conflict \d{4}-\d{2}-\d{2} from (SharePoint|Platform)\)\.txt$/);
        expect(copy).toContain(new Date().toISOString().slice(0, 10));
        const contents = [remoteText('/C1/plan.txt'), remoteText(`/C1/${copy}`)].sort();
        expect(contents).toEqual(['platform edit', 'remote edit']);
        const conflicts = await svc.env.api('GET', `/api/drives/${drive.id}/conflicts`);
        expect(JSON.stringify(conflicts.body)).toContain('C1/plan.txt');
    }, 60_000);

    it("the same file edited on both sides, prefer-remote: SharePoint's version wins on both sides", async () => {
        const patched = await svc.env.api('PATCH', `/api/drives/${drive.id}`, {
            body: { conflictPolicy: 'prefer-remote' },
        });
        expect(patched.status).toBe(200);
        try {
            sim().putFile(gid, '/C2/plan.txt', 'base');
            await expectConverged(await quiet());
            sim().putFile(gid, '/C2/plan.txt', 'remote edit');
            await platform.put('C2/plan.txt', 'platform edit');
            const result = await quiet();
            await expectConverged(result);
            expect(remoteText('/C2/plan.txt')).toBe('remote edit');
            expect(await platform.read('C2/plan.txt')).toBe('remote edit');
        } finally {
            await svc.env.api('PATCH', `/api/drives/${drive.id}`, { body: { conflictPolicy: 'keep-both' } });
        }
    }, 60_000);

    it('a delete on one side against an edit on the other keeps the edit (both directions)', async () => {
        sim().putFile(gid, '/D1/edited-remotely.txt', 'v1');
        sim().putFile(gid, '/D1/edited-on-platform.txt', 'v1');
        await expectConverged(await quiet());
        sim().putFile(gid, '/D1/edited-remotely.txt', 'remote v2');
        await platform.remove('D1/edited-remotely.txt');
        await platform.put('D1/edited-on-platform.txt', 'platform v2');
        sim().remove(gid, '/D1/edited-on-platform.txt');
        const result = await quiet();
        await expectConverged(result);
        expect(remoteText('/D1/edited-remotely.txt')).toBe('remote v2');
        expect(await platform.read('D1/edited-remotely.txt')).toBe('remote v2');
        expect(remoteText('/D1/edited-on-platform.txt')).toBe('platform v2');
        expect(await platform.read('D1/edited-on-platform.txt')).toBe('platform v2');
    }, 60_000);

    it('a folder deleted on one side while the other side adds or edits a file in it keeps that file', async () => {
        sim().putFile(gid, '/D2/gone-remotely/old.txt', 'old r');
        sim().putFile(gid, '/D2/gone-on-platform/old.txt', 'old p');
        await expectConverged(await quiet());
        sim().remove(gid, '/D2/gone-remotely');
        await platform.put('D2/gone-remotely/new.txt', 'added on the platform');
        await platform.remove('D2/gone-on-platform');
        sim().putFile(gid, '/D2/gone-on-platform/old.txt', 'edited on SharePoint');
        const result = await quiet();
        await expectConverged(result);
        expect(remoteText('/D2/gone-remotely/new.txt')).toBe('added on the platform');
        expect(await platform.read('D2/gone-on-platform/old.txt')).toBe('edited on SharePoint');
    }, 60_000);
});

/** One sync run with a Graph fault rule in force, then the faults cleared. */
async function runWithFault(
    rule: Parameters<ReturnType<typeof sim>['addFault']>[0],
    trigger: SyncMessage['trigger'] = 'manual',
): Promise<SyncResult> {
    sim().addFault(rule);
    try {
        return await runSync(await services(), syncMessage(drive, { trigger }));
    } finally {
        sim().clearFaults();
    }
}

describe('a failure inside a folder move', () => {
    it('a rename that fails inside a folder renamed on the other side is retried once the folder has moved', async () => {
        sim().putFile(gid, '/FR/A/f0.txt', 'moves with its folder');
        await expectConverged(await quiet());
        sim().rename(gid, '/FR/A', 'C');
        await platform.move('FR/A/f0.txt', 'FR/A/f3.txt');
        // Every rename sent to SharePoint fails this run (past the client's retries): the folder moves
        // on the platform, the file's rename on SharePoint does not.
        const first = await runWithFault({ kind: 'error', status: 500, method: 'PATCH', count: 50 });
        expect(first).toMatchObject({ outcome: 'ran', run: { outcomes: { retrying: 1 } } });
        const result = await quiet();
        await expectConverged(result);
        expect(remoteText('/FR/C/f3.txt')).toBe('moves with its folder');
        expect(names('FR/C')).toEqual(['f3.txt']);
    }, 60_000);

    it('a file edited on SharePoint inside a folder the platform renamed survives the rename failing on SharePoint', async () => {
        sim().putFile(gid, '/FE/A/f3.txt', 'before');
        await expectConverged(await quiet());
        sim().putFile(gid, '/FE/A/f3.txt', 'edited on SharePoint');
        await platform.move('FE/A', 'FE/C');
        // The folder's rename on SharePoint fails this run; the edit's download into the renamed folder does not.
        await runWithFault({ kind: 'error', status: 500, method: 'PATCH', count: 50 });
        await processTransfers();
        const result = await quiet();
        await expectConverged(result);
        expect(remoteText('/FE/C/f3.txt')).toBe('edited on SharePoint');
    }, 60_000);

    it('a conflict whose keep-both failed is planned again from a fresh listing, not forgotten', async () => {
        const item = sim().putFile(gid, '/KB/f1.txt', 'remote version');
        await platform.put('KB/f1.txt', 'platform version');
        // Every request about the SharePoint file fails this run: the keep-both cannot start.
        const first = await runWithFault(
            { kind: 'error', status: 500, path: `/items/${item.id}`, count: 50 },
            'webhook',
        );
        expect(first).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });
        expect(
            first.outcome === 'ran' && (first.run.outcomes?.failed ?? 0) + (first.run.outcomes?.retrying ?? 0),
        ).toBeGreaterThan(0);
        // Later runs come from notifications: nothing new was uploaded through the API since the listing.
        const result = await syncUntilQuiet(drive, { trigger: 'webhook' });
        if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
        await expectConverged(result);
        const versions = sim()
            .listTree(gid)
            .filter((i) => i.path.startsWith('/KB/') && !i.isFolder)
            .map((i) => remoteText(i.path))
            .sort();
        expect(versions).toEqual(['platform version', 'remote version']);
    }, 60_000);
});

describe('folders, names, guards, enrichment', () => {
    const uploads = () =>
        svc.sim.simulator.requests.entries.filter(
            (r) => /createUploadSession|\/content$/.test(r.path) && (r.method === 'POST' || r.method === 'PUT'),
        ).length;

    it.each(['remote', 'platform'] as const)(
        'a folder with many descendants renamed on the %s side moves without re-uploading or re-downloading',
        async (side) => {
            const root = `F-${side}`;
            for (let i = 0; i < 12; i++) sim().putFile(gid, `/${root}/Big/d${i % 3}/f${i}.txt`, `${side} file ${i}`);
            await expectConverged(await quiet());
            svc.sim.simulator.requests.clear();
            if (side === 'remote') sim().rename(gid, `/${root}/Big`, 'Bigger');
            else await platform.move(`${root}/Big`, `${root}/Bigger`);
            const result = await quiet();
            await expectConverged(result);
            expect(
                sim()
                    .listTree(gid)
                    .filter((i) => i.path.startsWith(`/${root}/Bigger/`) && !i.isFolder),
            ).toHaveLength(12);
            expect(await platform.read(`${root}/Bigger/d1/f4.txt`)).toBe(`${side} file 4`);
            expect(uploads()).toBe(0);
            expect(
                svc.sim.simulator.requests.entries.filter((r) => r.method === 'GET' && /\/content$/.test(r.path)),
            ).toHaveLength(0);
            expect(result.transfers).toHaveLength(0);
            const counts = result.runs[0]!.counts ?? {};
            expect((counts.renameRemote ?? 0) + (counts.renamePlatform ?? 0)).toBe(1);
        },
        60_000,
    );

    it('an invalid name on the platform is skipped with its rule and hint while the rest syncs', async () => {
        await platform.put('N1/a:b.txt', 'colon');
        await platform.put('N1/fine.txt', 'fine');
        const result = await quiet();
        expect(remoteText('/N1/fine.txt')).toBe('fine');
        expect(
            sim()
                .listTree(gid)
                .some((i) => i.name === 'a:b.txt'),
        ).toBe(false);
        const skipped = await runOutcomes(svc, drive.id, result.runs[0]!.runId, 'skipped');
        const skip = skipped.find((o) => o.path === 'N1/a:b.txt');
        expect(skip).toBeDefined();
        expect(skip!.code).toMatch(/./);
        expect(skip!.hint).toMatch(/./);
        expect(skip!.message).toMatch(/:/);
        // The rest of the drive is in step; the skipped blob stays where it is, on the platform only.
        const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
        expect(diff).toEqual([`only platform: N1/a:b.txt (${hashOf('colon')})`]);
        await platform.remove('N1/a:b.txt');
        await expectConverged(await quiet());
    }, 60_000);

    it('a big delete is held until approved, then applied', async () => {
        for (let i = 0; i < 8; i++) sim().putFile(gid, `/G1/f${i}.txt`, `g ${i}`);
        await expectConverged(await quiet());
        const lowered = await svc.env.api('PATCH', '/api/manage/properties', {
            body: { BigDeleteMaxCount: 5, BigDeleteMaxPercent: 1 },
        });
        expect(lowered.status).toBe(200);
        try {
            await platform.remove('G1');
            const held = await syncUntilQuiet(drive);
            const last = held.runs[held.runs.length - 1]!;
            expect(last.status).toBe('held');
            expect(last.heldDeletes?.remote).toBeGreaterThanOrEqual(8);
            expect(
                sim()
                    .listTree(gid)
                    .filter((i) => i.path.startsWith('/G1/')),
            ).toHaveLength(8);
            // Still held on the next run: nothing deleted without a person.
            const again = await syncUntilQuiet(drive);
            expect(again.runs[again.runs.length - 1]!.status).toBe('held');
            expect(sim().getItem(gid, '/G1/f0.txt')).toBeDefined();
            const alerts = (await svc.env.api('GET', '/api/manage/alerts')).body as {
                value: { kind: string; key: string }[];
            };
            expect(
                alerts.value.filter((a) => a.kind === 'big_delete_held' && a.key === `bigdelete:${drive.id}`),
            ).toHaveLength(1);

            const approved = await svc.env.api('POST', `/api/drives/${drive.id}/deletes/approve`);
            expect(approved.status).toBe(202);
            const result = await quiet();
            expect(result.runs[0]!.deleteDecision).toBe('approved');
            expect(sim().getItem(gid, '/G1/f0.txt')).toBeUndefined();
            expect(
                sim()
                    .listTree(gid)
                    .filter((i) => i.path.startsWith('/G1')),
            ).toHaveLength(0);
            await expectConverged(result);
            const open = (await svc.env.api('GET', '/api/manage/alerts')).body as { value: { kind: string }[] };
            expect(open.value.filter((a) => a.kind === 'big_delete_held')).toHaveLength(0);
        } finally {
            await svc.env.api('PATCH', '/api/manage/properties', {
                body: { BigDeleteMaxCount: 50, BigDeleteMaxPercent: 20 },
            });
        }
    }, 90_000);

    it('SharePoint rewriting an uploaded file (enrichment) brings the rewrite down once, with no re-upload loop', async () => {
        // Created in SharePoint (an upload from the platform would be rewritten on the way: OneDrive for
        // Business enriches too, test/transfer/quirksSync.test.ts), so both sides start equal.
        sim().putFile(gid, '/E1/report.docx', 'sharepoint report');
        await expectConverged(await quiet());
        sim().enrich(gid, '/E1/report.docx');
        const enriched = sim().getItem(gid, '/E1/report.docx')!;
        svc.sim.simulator.requests.clear();
        const result = await quiet();
        await expectConverged(result);
        expect(uploads()).toBe(0);
        expect(hashOf(Buffer.from((await platform.read('E1/report.docx'))!))).toBe(enriched.quickXorHash);
        // Quiet means quiet: another sync moves nothing.
        const again = await quiet();
        expect(again.runs).toHaveLength(1);
        expect(again.transfers).toHaveLength(0);
    }, 60_000);

    it('SharePoint rewriting a file as it is uploaded (a document library): the rewrite becomes the baseline, nothing is uploaded again', async () => {
        // Enrichment is SharePoint document libraries' behaviour (the simulator's default), so this one runs on a library.
        const connected = (
            await svc.connectDrive(
                { name: 'Scenario library', kind: 'sharepoint' },
                svc.sim.demo.users.megan.userPrincipalName,
            )
        ).drive;
        const library = await svc.selectLibrary(connected.id, 'Documents');
        const libId = library.graph!.driveId;
        const libPlatform = new PlatformSide(await services(), library);
        const libQuiet = async () => {
            const r = await syncUntilQuiet(library);
            if (!isQuiet(r))
                throw new Error(
                    `The library did not get quiet:\n${describeRuns(r)}\nTransfer log:\n${transferLog.slice(-8).join('\n')}`,
                );
            return r;
        };
        await libQuiet();
        expect(treeDiff(remoteTree(svc, libId), await libPlatform.tree())).toEqual([]);

        svc.sim.simulator.requests.clear();
        await libPlatform.put('E2/deck.pptx', 'platform deck');
        const result = await libQuiet();
        const item = sim().getItem(libId, '/E2/deck.pptx')!;
        // SharePoint enriched it on upload: its copy is not the platform's bytes.
        expect(item.quickXorHash).not.toBe(hashOf('platform deck'));
        expect(result.transfers.filter((t) => t.direction === 'upload').map((t) => t.outcome)).toEqual(['succeeded']);
        expect(
            svc.sim.simulator.requests.entries.filter(
                (r) => r.method === 'POST' && /createUploadSession$/.test(r.path),
            ),
        ).toHaveLength(1);
        const again = await libQuiet();
        expect(again.runs).toHaveLength(1);
        expect(again.transfers).toHaveLength(0);
        expect(sim().getItem(libId, '/E2/deck.pptx')!.eTag).toBe(item.eTag);
        expect(
            sim()
                .listTree(libId)
                .filter((i) => i.path.startsWith('/E2/')),
        ).toHaveLength(1);
        // A later edit on the platform still goes up (the baseline is not stuck on the enriched hash).
        await libPlatform.put('E2/deck.pptx', 'platform deck v2');
        await libQuiet();
        expect(sim().readContent(libId, '/E2/deck.pptx').toString('utf8').startsWith('platform deck v2')).toBe(true);
        expect(
            sim()
                .listTree(libId)
                .filter((i) => i.path.startsWith('/E2/')),
        ).toHaveLength(1);
    }, 90_000);
});
