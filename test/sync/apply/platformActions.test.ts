import { listPlatformEntries } from '../../../lib/sync/platform/platformListing';
import { platformContainer } from '../../../lib/sync/platform/platformContainer';
import { applyBaselineChanges, getBaselineEntry } from '../../../lib/sync/state/baselineStore';
import { ApplyHarness } from './applyHarness';

describe('applyPlan: platform metadata actions (blob copy + delete, trash)', () => {
    let h: ApplyHarness;
    beforeAll(async () => (h = await ApplyHarness.start((svc) => svc.sim.demo.users.megan.userPrincipalName)));
    afterAll(() => h.stop());

    const blob = (path: string) => `${h.drive.id}/${path}`;

    it('creates an empty folder as a marker blob, listed as a folder, paired with its remote id', async () => {
        const { outcomes } = await h.apply([
            h.action(
                'createPlatformFolder',
                { path: 'PF/Empty' },
                { item: 'id:REMOTE-EMPTY', pre: { mustNotExist: ['platform'] } },
            ),
        ]);
        expect(outcomes[0]).toMatchObject({ status: 'ok', action: 'createPlatformFolder' });
        const entries = await listPlatformEntries(h.services, h.drive);
        expect(entries.filter((e) => e.path.startsWith('PF')).map((e) => [e.path, e.isFolder])).toEqual([
            ['PF', true],
            ['PF/Empty', true],
        ]);
        expect(await getBaselineEntry(h.services, h.drive.id, 'REMOTE-EMPTY')).toMatchObject({
            platformPath: 'PF/Empty',
            isFolder: true,
        });
        // Applying it again (a redelivered run) is fine.
        expect(
            (await h.apply([h.action('createPlatformFolder', { path: 'PF/Empty' }, { item: 'id:REMOTE-EMPTY' })]))
                .outcomes[0]!.status,
        ).toBe('ok');
    });

    it('a name that cannot be a blob name (the last guard, after the name screen) is skipped with a hint, nothing written', async () => {
        const { outcomes } = await h.apply([
            h.action(
                'createPlatformFolder',
                { path: 'PU/../../escape' },
                { item: 'id:REMOTE-UNSAFE', pre: { mustNotExist: ['platform'] } },
            ),
        ]);
        expect(outcomes[0]).toMatchObject({
            status: 'skipped',
            code: 'unsafe_blob_name',
            hint: expect.stringContaining('Rename the item'),
        });
        expect(await getBaselineEntry(h.services, h.drive.id, 'REMOTE-UNSAFE')).toBeUndefined();
        const entries = await listPlatformEntries(h.services, h.drive);
        expect(entries.filter((e) => e.path.includes('escape'))).toEqual([]);
    });

    it('renames a file with the planned ETag, and the following baseline row gets the new blob ETag', async () => {
        const etag = await h.putBlob('PR/a.txt', 'alpha');
        const rename = h.action(
            'renamePlatform',
            { from: 'PR/a.txt', path: 'PR/b.txt', isFolder: false },
            { item: 'id:R-A', pre: { platformIfMatch: etag } },
        );
        const row = h.action(
            'updateBaseline',
            {
                previousRemoteId: 'R-A',
                entry: {
                    remoteId: 'R-A',
                    platformPath: 'PR/b.txt',
                    isFolder: false,
                    remoteETag: '"r"',
                    remoteSize: 5,
                    platformETag: etag,
                    platformSize: 5,
                },
            },
            { item: 'id:R-A', deps: [rename.id] },
        );
        const { outcomes } = await h.apply([rename, row]);
        expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
        expect(await h.readBlob(blob('PR/a.txt'))).toBeUndefined();
        expect(await h.readBlob(blob('PR/b.txt'))).toBe('alpha');
        const listed = (await listPlatformEntries(h.services, h.drive)).find((e) => e.path === 'PR/b.txt')!;
        expect(listed.contentHash).toBeTruthy(); // metadata travels with the copy
        expect(await getBaselineEntry(h.services, h.drive.id, 'R-A')).toMatchObject({
            platformPath: 'PR/b.txt',
            platformETag: listed.blobETag,
        });
        expect(listed.blobETag).not.toBe(etag);
    });

    it('moves a folder with everything under it', async () => {
        await h.putBlob('PM/Dir/one.txt', '1');
        await h.putBlob('PM/Dir/sub/two.txt', '2');
        const { outcomes } = await h.apply([
            h.action('movePlatform', { from: 'PM/Dir', path: 'PM/Moved/Dir', isFolder: true }),
        ]);
        expect(outcomes[0]!.status).toBe('ok');
        const paths = (await listPlatformEntries(h.services, h.drive))
            .filter((e) => e.path.startsWith('PM/') && !e.isFolder)
            .map((e) => e.path);
        expect(paths).toEqual(['PM/Moved/Dir/one.txt', 'PM/Moved/Dir/sub/two.txt']);
    });

    it('a blob changed after planning is not moved (precondition_failed) and is left intact; a taken target is not overwritten', async () => {
        const planned = await h.putBlob('PC/c.txt', 'planned');
        await h.putBlob('PC/c.txt', 'rewritten by the platform');
        await h.putBlob('PC/d.txt', 'd');
        await h.putBlob('PC/taken.txt', 'already here');
        const { outcomes } = await h.apply([
            h.action(
                'renamePlatform',
                { from: 'PC/c.txt', path: 'PC/c2.txt', isFolder: false },
                { pre: { platformIfMatch: planned } },
            ),
            h.action('renamePlatform', { from: 'PC/d.txt', path: 'PC/taken.txt', isFolder: false }),
        ]);
        expect(outcomes.map((o) => [o.status, o.code])).toEqual([
            ['retrying', 'precondition_failed'],
            ['retrying', 'target_exists'],
        ]);
        expect(await h.readBlob(blob('PC/c.txt'))).toBe('rewritten by the platform');
        expect(await h.readBlob(blob('PC/c2.txt'))).toBeUndefined();
        expect(await h.readBlob(blob('PC/taken.txt'))).toBe('already here');
        expect(await h.readBlob(blob('PC/d.txt'))).toBe('d');
    });

    it('deletes to the trash prefix (restorable, never listed) and forgets the rows', async () => {
        const etag = await h.putBlob('PD/file.txt', 'keep me somewhere');
        await h.putBlob('PD/Folder/x.txt', 'x');
        await h.putBlob('PD/Folder/y/z.txt', 'z');
        await applyBaselineChanges(h.services, h.drive.id, {
            upsert: [
                {
                    remoteId: 'R-DEL',
                    platformPath: 'PD/file.txt',
                    isFolder: false,
                    remoteETag: '"r"',
                    remoteSize: 1,
                    platformSize: 1,
                },
            ],
            remove: [],
        });
        const { outcomes } = await h.apply(
            [
                h.action(
                    'deletePlatform',
                    { path: 'PD/file.txt', isFolder: false, toRecycleBin: true },
                    { item: 'id:R-DEL', pre: { platformIfMatch: etag } },
                ),
                h.action(
                    'deletePlatform',
                    { path: 'PD/Folder', isFolder: true, toRecycleBin: true },
                    { item: 'id:R-DELF' },
                ),
            ],
            'run-trash',
        );
        expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
        expect(outcomes[0]!.message).toContain(`.trash/${h.drive.id}/run-trash/`);
        expect((await listPlatformEntries(h.services, h.drive)).some((e) => e.path.startsWith('PD'))).toBe(false);
        expect(await getBaselineEntry(h.services, h.drive.id, 'R-DEL')).toBeUndefined();

        const container = await platformContainer(h.services);
        const trashed = [];
        for await (const b of container.listBlobsFlat({
            prefix: `.trash/${h.drive.id}/run-trash/`,
            includeMetadata: true,
        }))
            trashed.push(b);
        expect(trashed.map((b) => b.name.slice(`.trash/${h.drive.id}/run-trash/`.length)).sort()).toEqual([
            'PD/Folder/x.txt',
            'PD/Folder/y/z.txt',
            'PD/file.txt',
        ]);
        expect(trashed.find((b) => b.name.endsWith('PD/file.txt'))!.metadata).toMatchObject({
            trashedfrom: 'PD%2Ffile.txt',
        });
        expect(await h.readBlob(`.trash/${h.drive.id}/run-trash/PD/file.txt`)).toBe('keep me somewhere');

        // Deleting again (a redelivered run) finds nothing and is done.
        const again = await h.apply(
            [
                h.action(
                    'deletePlatform',
                    { path: 'PD/file.txt', isFolder: false, toRecycleBin: true },
                    { item: 'id:R-DEL', pre: { platformIfMatch: etag } },
                ),
            ],
            'run-trash',
        );
        expect(again.outcomes[0]).toMatchObject({ status: 'ok', message: 'Already deleted on the platform.' });
    });

    it('a platform delete of a blob changed after planning keeps it', async () => {
        const planned = await h.putBlob('PE/e.txt', 'v1');
        await h.putBlob('PE/e.txt', 'v2');
        const { outcomes } = await h.apply([
            h.action(
                'deletePlatform',
                { path: 'PE/e.txt', isFolder: false, toRecycleBin: true },
                { pre: { platformIfMatch: planned } },
            ),
        ]);
        expect(outcomes[0]).toMatchObject({ status: 'retrying', code: 'precondition_failed' });
        expect(await h.readBlob(blob('PE/e.txt'))).toBe('v2');
    });
});
