import { getBaselineEntry, applyBaselineChanges } from '../../../lib/sync/state/baselineStore';
import { ApplyHarness } from './applyHarness';

describe('applyPlan: remote metadata actions against the simulator', () => {
    let h: ApplyHarness;
    beforeAll(async () => (h = await ApplyHarness.start((svc) => svc.sim.demo.users.adele.userPrincipalName)));
    afterAll(() => h.stop());

    it('creates remote folders parent first and records their ids in the baseline', async () => {
        const parent = h.action('createRemoteFolder', { path: 'ApplyA' }, { pre: { mustNotExist: ['remote'] } });
        const child = h.action(
            'createRemoteFolder',
            { path: 'ApplyA/Inner folder' },
            { deps: [parent.id], pre: { mustNotExist: ['remote'] } },
        );
        const { outcomes } = await h.apply([parent, child]);
        expect(outcomes.map((o) => [o.path, o.status])).toEqual([
            ['ApplyA', 'ok'],
            ['ApplyA/Inner folder', 'ok'],
        ]);
        const inner = h.item('/ApplyA/Inner folder')!;
        expect(inner.isFolder).toBe(true);
        expect(await getBaselineEntry(h.services, h.drive.id, inner.id)).toMatchObject({
            platformPath: 'ApplyA/Inner folder',
            isFolder: true,
            remoteETag: expect.any(String),
        });
    });

    it('a folder name taken meanwhile is a 409 (conflictBehavior fail): retrying, and its dependents wait', async () => {
        h.sim.mkdirp(h.gid, '/Taken');
        const taken = h.action('createRemoteFolder', { path: 'Taken' });
        const inside = h.action('createRemoteFolder', { path: 'Taken/Sub' }, { deps: [taken.id] });
        const { outcomes } = await h.apply([taken, inside]);
        expect(outcomes[0]).toMatchObject({
            status: 'retrying',
            code: 'name_already_exists',
            graphCode: 'nameAlreadyExists',
        });
        expect(outcomes[1]).toMatchObject({ status: 'retrying', code: 'dependency_failed' });
        expect(h.item('/Taken/Sub')).toBeUndefined();
    });

    it('renames with If-Match; a rename of an item changed meanwhile gets 412 and overwrites nothing; other items go on', async () => {
        const keep = h.sim.putFile(h.gid, '/ApplyB/keep.txt', 'keep');
        const race = h.sim.putFile(h.gid, '/ApplyB/race.txt', 'race');
        await applyBaselineChanges(h.services, h.drive.id, {
            upsert: [
                {
                    remoteId: keep.id,
                    platformPath: 'ApplyB/keep.txt',
                    isFolder: false,
                    remoteETag: keep.eTag,
                    remoteCTag: keep.cTag,
                    remoteHash: keep.quickXorHash,
                    remoteSize: 4,
                    platformETag: '"0xP"',
                    platformSize: 4,
                    platformHash: keep.quickXorHash,
                },
            ],
            remove: [],
        });
        // A user edits race.txt in OneDrive after the plan was made.
        const edited = h.sim.putFile(h.gid, '/ApplyB/race.txt', 'edited by a user');
        expect(edited.eTag).not.toBe(race.eTag);

        const a1 = h.action(
            'renameRemote',
            { remoteId: keep.id, from: 'ApplyB/keep.txt', path: 'ApplyB/kept.txt' },
            { item: `id:${keep.id}`, pre: { remoteIfMatch: keep.eTag } },
        );
        const a2 = h.action(
            'renameRemote',
            { remoteId: race.id, from: 'ApplyB/race.txt', path: 'ApplyB/raced.txt' },
            { item: `id:${race.id}`, pre: { remoteIfMatch: race.eTag } },
        );
        const a3 = h.action('createRemoteFolder', { path: 'ApplyB/After' });
        const a4 = h.action('createRemoteFolder', { path: 'ApplyB/raced-dependent' }, { deps: [a2.id] });
        const { outcomes } = await h.apply([a1, a2, a3, a4]);

        expect(outcomes).toHaveLength(4);
        expect(outcomes[0]).toMatchObject({ action: 'renameRemote', status: 'ok', path: 'ApplyB/kept.txt' });
        expect(outcomes[1]).toMatchObject({
            action: 'renameRemote',
            status: 'retrying',
            code: 'precondition_failed',
            path: 'ApplyB/raced.txt',
            graphCode: expect.any(String),
        });
        expect(outcomes[1]!.requestId).toBeTruthy();
        expect(outcomes[2]).toMatchObject({ status: 'ok' });
        expect(outcomes[3]).toMatchObject({ status: 'retrying', code: 'dependency_failed' });

        expect(h.item('/ApplyB/kept.txt')?.id).toBe(keep.id);
        expect(h.item('/ApplyB/race.txt')?.eTag).toBe(edited.eTag);
        expect(h.sim.readContent(h.gid, '/ApplyB/race.txt').toString()).toBe('edited by a user');
        expect(h.item('/ApplyB/raced.txt')).toBeUndefined();
        // The renamed item's row follows it, with the eTag the server gave after the rename.
        expect(await getBaselineEntry(h.services, h.drive.id, keep.id)).toMatchObject({
            platformPath: 'ApplyB/kept.txt',
            remoteETag: h.item('/ApplyB/kept.txt')!.eTag,
            platformETag: '"0xP"',
        });
    });

    it('moves into another folder and to the root (by the root id, never "root")', async () => {
        const m = h.sim.putFile(h.gid, '/ApplyC/m.txt', 'move me');
        const r = h.sim.putFile(h.gid, '/ApplyC/up.txt', 'to the root');
        h.sim.mkdirp(h.gid, '/ApplyC/Dest');
        const a1 = h.action(
            'moveRemote',
            { remoteId: m.id, from: 'ApplyC/m.txt', path: 'ApplyC/Dest/m.txt' },
            { pre: { remoteIfMatch: m.eTag } },
        );
        const a2 = h.action(
            'moveRemote',
            { remoteId: r.id, from: 'ApplyC/up.txt', path: 'up-renamed.txt' },
            { pre: { remoteIfMatch: r.cTag } },
        );
        const { outcomes } = await h.apply([a1, a2]);
        expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
        expect(h.item('/ApplyC/Dest/m.txt')?.id).toBe(m.id);
        expect(h.item('/up-renamed.txt')?.id).toBe(r.id);
    });

    it('deletes to the recycle bin with If-Match and forgets the row; a changed item is 412; an item already gone is done', async () => {
        const d = h.sim.putFile(h.gid, '/ApplyD/delete-me.txt', 'bye');
        const changed = h.sim.putFile(h.gid, '/ApplyD/changed.txt', 'v1');
        const gone = h.sim.putFile(h.gid, '/ApplyD/gone.txt', 'x');
        await applyBaselineChanges(h.services, h.drive.id, {
            upsert: [
                {
                    remoteId: d.id,
                    platformPath: 'ApplyD/delete-me.txt',
                    isFolder: false,
                    remoteETag: d.eTag,
                    remoteSize: 3,
                    platformSize: 3,
                },
            ],
            remove: [],
        });
        h.sim.putFile(h.gid, '/ApplyD/changed.txt', 'v2');
        h.sim.remove(h.gid, '/ApplyD/gone.txt');
        const actions = [
            h.action(
                'deleteRemote',
                { remoteId: d.id, path: 'ApplyD/delete-me.txt', isFolder: false, toRecycleBin: true },
                { pre: { remoteIfMatch: d.eTag } },
            ),
            h.action(
                'deleteRemote',
                { remoteId: changed.id, path: 'ApplyD/changed.txt', isFolder: false, toRecycleBin: true },
                { pre: { remoteIfMatch: changed.eTag } },
            ),
            h.action(
                'deleteRemote',
                { remoteId: gone.id, path: 'ApplyD/gone.txt', isFolder: false, toRecycleBin: true },
                { pre: { remoteIfMatch: gone.eTag } },
            ),
        ];
        const { outcomes } = await h.apply(actions);
        expect(outcomes.map((o) => [o.status, o.code])).toEqual([
            ['ok', 'test_deleteRemote'],
            ['retrying', 'precondition_failed'],
            ['ok', 'test_deleteRemote'],
        ]);
        expect(h.item('/ApplyD/delete-me.txt')).toBeUndefined();
        expect(h.sim.readContent(h.gid, '/ApplyD/changed.txt').toString()).toBe('v2');
        expect(await getBaselineEntry(h.services, h.drive.id, d.id)).toBeUndefined();
    });
});
