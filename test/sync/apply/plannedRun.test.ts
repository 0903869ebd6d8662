import { applyPlan } from '../../../lib/sync/apply/applyPlan';
import { listPlatformEntries } from '../../../lib/sync/platform/platformListing';
import { movePlatform } from '../../../lib/sync/platform/platformWrites';
import { planSync } from '../../../lib/sync/plan';
import type { Plan, PlanOptions, RemoteEntry } from '../../../lib/sync/plan/types';
import { loadBaseline } from '../../../lib/sync/state/baselineStore';
import { ApplyHarness, remoteEntry } from './applyHarness';

/**
 * The planner and the applier together on a real drive: a first sync pairs a mirrored drive, then a
 * folder renamed on the platform and a file renamed in OneDrive each become one metadata action, and
 * the next plan finds nothing left to do.
 */
describe('planSync + applyPlan on a connected OneDrive', () => {
    let h: ApplyHarness;
    beforeAll(async () => (h = await ApplyHarness.start((svc) => svc.sim.demo.users.megan.userPrincipalName)));
    afterAll(() => h.stop());

    const options = (o: Partial<PlanOptions>): PlanOptions => ({
        firstSync: false,
        resync: false,
        dryRun: false,
        bigDelete: { maxCount: 1000, maxPercent: 100 },
        now: new Date().toISOString(),
        ...o,
    });
    const remoteNow = (): RemoteEntry[] =>
        h.sim.listTree(h.gid).map((i) => remoteEntry(i, h.sim.listDrives().find((d) => d.id === h.gid)!.rootId));

    async function plan(remote: RemoteEntry[], o: Partial<PlanOptions> = {}): Promise<Plan> {
        const [baseline, platform] = await Promise.all([
            loadBaseline(h.services, h.drive.id),
            listPlatformEntries(h.services, h.drive),
        ]);
        return planSync({
            baseline,
            remote,
            platform,
            policy: 'keep-both',
            driveItemCount: remote.length,
            options: options(o),
        });
    }

    it('first sync of a mirrored drive: every item pairs by content and the applier writes the baseline', async () => {
        for (const item of h.sim.listTree(h.gid))
            if (!item.isFolder) await h.putBlob(item.path.slice(1), h.sim.readContent(h.gid, item.id).toString('utf8'));
        const first = await plan(remoteNow(), { firstSync: true });
        expect(first.actions.length).toBeGreaterThan(0);
        expect(new Set(first.actions.map((a) => a.kind))).toEqual(new Set(['updateBaseline']));
        const { outcomes } = await applyPlan(h.context(), first);
        expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
        expect(await loadBaseline(h.services, h.drive.id)).toHaveLength(h.sim.listTree(h.gid).length);
        expect((await plan([])).actions).toEqual([]);
    });

    it('a folder renamed on the platform is one remote rename (If-Match), then nothing is left to do', async () => {
        await movePlatform({ services: h.services, driveId: h.drive.id }, 'Documents', 'Docs', true);
        const p = await plan([]);
        const moves = p.actions.filter((a) => a.kind !== 'updateBaseline');
        expect(moves).toEqual([expect.objectContaining({ kind: 'renameRemote', from: 'Documents', path: 'Docs' })]);
        const { outcomes } = await applyPlan(h.context(), p);
        expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
        expect(h.sim.getItem(h.gid, '/Docs')?.isFolder).toBe(true);
        expect(h.sim.getItem(h.gid, '/Documents')).toBeUndefined();

        const after = await plan(remoteNow());
        expect(after.actions.filter((a) => a.kind !== 'updateBaseline')).toEqual([]);
        await applyPlan(h.context(), after);
        expect((await plan(remoteNow())).actions).toEqual([]);
    });

    it('a file renamed in OneDrive is one platform rename, then nothing is left to do', async () => {
        const file = h.sim.listTree(h.gid).find((i) => !i.isFolder && i.path.startsWith('/Desktop/'))!;
        const renamed = h.sim.rename(h.gid, file.id, `renamed-${file.name}`);
        const rootId = h.sim.listDrives().find((d) => d.id === h.gid)!.rootId;
        const p = await plan([remoteEntry(renamed, rootId)]);
        expect(p.actions.filter((a) => a.kind !== 'updateBaseline')).toEqual([
            expect.objectContaining({ kind: 'renamePlatform', from: file.path.slice(1), path: renamed.path.slice(1) }),
        ]);
        const { outcomes } = await applyPlan(h.context(), p);
        expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
        const paths = (await listPlatformEntries(h.services, h.drive)).map((e) => e.path);
        expect(paths).toContain(renamed.path.slice(1));
        expect(paths).not.toContain(file.path.slice(1));
        expect((await plan(remoteNow())).actions).toEqual([]);
    });

    it('a folder deleted on the platform goes to the recycle bin with everything in it, and its rows go too', async () => {
        const before = h.sim.listTree(h.gid).filter((i) => i.path.startsWith('/Pictures'));
        expect(before.length).toBeGreaterThan(1);
        const { trashPlatform } = await import('../../../lib/sync/platform/platformWrites');
        await trashPlatform({ services: h.services, driveId: h.drive.id, runId: 'user-delete' }, 'Pictures', true);
        const p = await plan([]);
        expect(p.actions.some((a) => a.kind === 'deleteRemote' && a.path === 'Pictures')).toBe(true);
        const { outcomes } = await applyPlan(h.context(), p);
        expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
        expect(h.sim.getItem(h.gid, '/Pictures')).toBeUndefined();
        const ids = new Set((await loadBaseline(h.services, h.drive.id)).map((r) => r.remoteId));
        expect(before.filter((i) => ids.has(i.id))).toEqual([]);
        expect((await plan(remoteNow())).actions).toEqual([]);
    });
});
