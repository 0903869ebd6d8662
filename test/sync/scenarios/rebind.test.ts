import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { loadCursor } from '../../../lib/sync/remote';
import { completeSignIn } from '../../support/browser';
import type { ConnectedService } from '../../support/connectedService';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    remoteTree,
    services,
    startScenarioService,
    syncUntilQuiet,
    transferLog,
    treeDiff,
    type QuietResult,
} from './scenarioHarness';

/**
 * Issue 17 (medium): a drive rebound to another Graph drive must not read the old drive's sync state
 * as the new one's. Reconnecting a OneDrive with another account, or choosing another library, makes
 * the next run a first sync that merges both sides and deletes nothing anywhere.
 */
let svc: ConnectedService;

const sim = () => svc.sim.graph;
const files = (tree: Map<string, string>): Map<string, string> => new Map([...tree].filter(([, v]) => v !== 'folder'));

async function quiet(drive: DriveRecord): Promise<QuietResult> {
    const result = await syncUntilQuiet(drive);
    if (!isQuiet(result))
        throw new Error(`not quiet:\n${describeRuns(result)}\nTransfer log:\n${transferLog.slice(-12).join('\n')}`);
    return result;
}

/** Every file of `before` is still in `after`: at its path, or (a name both sides used) as a conflict copy. */
function expectAllKept(before: Map<string, string>, after: Map<string, string>, where: string): void {
    const contents = new Set(files(after).values());
    const lost = [...files(before)].filter(([p, h]) => after.get(p) !== h && !contents.has(h)).map(([p]) => p);
    if (lost.length)
        throw new Error(`${where} lost or changed ${lost.length} file(s): ${lost.slice(0, 10).join(', ')}`);
}

beforeAll(async () => {
    svc = await startScenarioService();
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

describe('rebinding a drive to another Graph drive', () => {
    it('reconnected with another account (another OneDrive): a merge, nothing deleted anywhere, even after a 410', async () => {
        const { adele, megan } = svc.sim.demo.users;
        const drive = (await svc.connectDrive({ name: 'Rebound OneDrive', kind: 'onedrive' }, adele.userPrincipalName))
            .drive;
        const adeleDrive = drive.graph!.driveId;
        const platform = new PlatformSide(await services(), drive);
        sim().putFile(adeleDrive, '/Shared/only-adele.txt', 'adele');
        await quiet(drive);
        expect(treeDiff(remoteTree(svc, adeleDrive), await platform.tree())).toEqual([]);
        const adeleBefore = remoteTree(svc, adeleDrive);
        const platformBefore = await platform.tree();

        const link = await svc.env.api('POST', `/api/drives/${drive.id}/reconnect`, { body: {} });
        expect(link.status).toBe(200);
        await completeSignIn((link.body as { connectUrl: string }).connectUrl, megan.userPrincipalName, svc.browser);
        const rebound = (await svc.env.api('GET', `/api/drives/${drive.id}`)).body as DriveRecord;
        const meganDrive = rebound.graph!.driveId;
        expect(meganDrive).not.toBe(adeleDrive);
        const meganBefore = remoteTree(svc, meganDrive);
        // A 410 on the new drive (which the old state would have read as "everything deleted").
        sim().expireDeltaTokens(meganDrive, 'resyncRequired', 'absent');

        const result = await quiet(rebound);
        expect(result.runs[0]).toMatchObject({
            firstSync: true,
            rebound: { from: adeleDrive, to: meganDrive },
        });
        expect(result.runs.every((r) => !r.counts?.deletePlatform && !r.counts?.deleteRemote)).toBe(true);
        // Nothing deleted anywhere: Adele's drive untouched, Megan's kept all hers, the platform all it had.
        expect(remoteTree(svc, adeleDrive)).toEqual(adeleBefore);
        const platformAfter = await platform.tree();
        const meganAfter = remoteTree(svc, meganDrive);
        expectAllKept(meganBefore, meganAfter, "Megan's OneDrive");
        expectAllKept(platformBefore, platformAfter, 'The platform');
        // Merged: both sides hold the union.
        expect(treeDiff(meganAfter, platformAfter)).toEqual([]);
        expect(meganAfter.get('Shared/only-adele.txt')).toBe(platformBefore.get('Shared/only-adele.txt'));
        const { cursor } = await loadCursor(await services(), drive.id);
        expect(cursor).toMatchObject({ graphDriveId: meganDrive });
        expect(cursor?.deltaLink).toContain(encodeURIComponent(meganDrive).slice(0, 10));
        // And it is an ordinary drive again: an unchanged run plans nothing.
        const again = await quiet(rebound);
        expect(again.runs).toHaveLength(1);
        expect(again.runs[0]).toMatchObject({ firstSync: false });
    }, 180_000);

    it('another library chosen for a SharePoint drive: a merge, nothing deleted in either library', async () => {
        const megan = svc.sim.demo.users.megan;
        const site = sim().createSite({
            tenantId: svc.sim.demo.tenantId,
            name: 'Rebind',
            members: { [megan.id]: 'write' },
        });
        const one = sim().createLibrary(site.id, 'One');
        const two = sim().createLibrary(site.id, 'Two');
        for (const [lib, tag] of [
            [one.id, 'one'],
            [two.id, 'two'],
        ] as const) {
            sim().putFile(lib, `/${tag}/a.txt`, `${tag} a`);
            sim().putFile(lib, '/common/same-name.txt', `${tag} version`);
        }
        const connected = (
            await svc.connectDrive({ name: 'Rebound library', kind: 'sharepoint' }, megan.userPrincipalName)
        ).drive;
        const choose = async (graphDriveId: string): Promise<DriveRecord> => {
            const patched = await svc.env.api('PATCH', `/api/drives/${connected.id}`, {
                body: { siteId: site.id, graphDriveId },
            });
            expect(patched.status).toBe(200);
            return patched.body as DriveRecord;
        };
        const first = await choose(one.id);
        const platform = new PlatformSide(await services(), first);
        await quiet(first);
        const platformBefore = await platform.tree();
        const oneBefore = remoteTree(svc, one.id);
        const twoBefore = remoteTree(svc, two.id);

        const second = await choose(two.id);
        const result = await quiet(second);
        expect(result.runs[0]).toMatchObject({ firstSync: true, rebound: { from: one.id, to: two.id } });
        expect(result.runs.every((r) => !r.counts?.deletePlatform && !r.counts?.deleteRemote)).toBe(true);
        expect(remoteTree(svc, one.id)).toEqual(oneBefore);
        const after = remoteTree(svc, two.id);
        expectAllKept(twoBefore, after, 'Library Two');
        expectAllKept(platformBefore, await platform.tree(), 'The platform');
        expect(treeDiff(after, await platform.tree())).toEqual([]);
        // Same name, different content on each side: both kept (a first sync never picks a loser).
        const versions = [...after].filter(([p]) => p.startsWith('common/')).map(([p]) => p);
        expect(versions).toHaveLength(2);
    }, 180_000);
});
