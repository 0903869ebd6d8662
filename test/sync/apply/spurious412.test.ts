import { getBaselineEntry, applyBaselineChanges } from '../../../lib/sync/state/baselineStore';
import { ApplyHarness } from './applyHarness';

/**
 * SharePoint sometimes answers a PATCH carrying the exact current eTag with 412 (onedrive-api-docs
 * issue 1716; the simulator's `spurious412` switch). A rename must not become "retrying, re-planned
 * next run" for ever: the item is read again and, unchanged, patched once more with its current eTag.
 */
describe('applyPlan: a spurious 412 on a rename', () => {
    let h: ApplyHarness;
    beforeAll(async () => (h = await ApplyHarness.start((svc) => svc.sim.demo.users.adele.userPrincipalName)));
    afterAll(() => h.stop());
    afterEach(() => h.sim.clearFaults());

    async function stage(folder: string) {
        const file = h.sim.putFile(h.gid, `/${folder}/a.txt`, 'a');
        await applyBaselineChanges(h.services, h.drive.id, {
            upsert: [
                {
                    remoteId: file.id,
                    platformPath: `${folder}/a.txt`,
                    isFolder: false,
                    remoteETag: file.eTag,
                    remoteCTag: file.cTag,
                    remoteHash: file.quickXorHash,
                    remoteSize: 1,
                    platformETag: '"0xP"',
                    platformSize: 1,
                    platformHash: file.quickXorHash,
                },
            ],
            remove: [],
        });
        const rename = h.action(
            'renameRemote',
            { remoteId: file.id, from: `${folder}/a.txt`, path: `${folder}/b.txt` },
            { item: `id:${file.id}`, pre: { remoteIfMatch: file.eTag } },
        );
        return { file, rename };
    }

    it('re-reads the unchanged item and renames it with its current eTag, saying so', async () => {
        const { file, rename } = await stage('Spurious1');
        h.sim.addUploadFault({ kind: 'spurious412', count: 1, on: ['patch'] });
        const { outcomes } = await h.apply([rename]);
        expect(outcomes[0]).toMatchObject({ status: 'ok', path: 'Spurious1/b.txt' });
        expect(outcomes[0]!.message).toMatch(/412/);
        expect(h.item('/Spurious1/b.txt')?.id).toBe(file.id);
        expect(await getBaselineEntry(h.services, h.drive.id, file.id)).toMatchObject({
            platformPath: 'Spurious1/b.txt',
            remoteETag: h.item('/Spurious1/b.txt')!.eTag,
        });
        expect(h.sim.counters().quirks.spurious412).toBeGreaterThanOrEqual(1);
    });

    it('twice in a row: retrying with its own code, nothing renamed', async () => {
        const { rename } = await stage('Spurious2');
        h.sim.addUploadFault({ kind: 'spurious412', count: 2, on: ['patch'] });
        const { outcomes } = await h.apply([rename]);
        expect(outcomes[0]).toMatchObject({ status: 'retrying', code: 'precondition_failed_spurious' });
        expect(outcomes[0]!.hint).toMatch(/./);
        expect(h.item('/Spurious2/a.txt')).toBeDefined();
    });

    it('a real change stays a conflict: precondition_failed, nothing overwritten', async () => {
        const { rename } = await stage('Spurious3');
        h.sim.putFile(h.gid, '/Spurious3/a.txt', 'edited by a user');
        const { outcomes } = await h.apply([rename]);
        expect(outcomes[0]).toMatchObject({ status: 'retrying', code: 'precondition_failed' });
        expect(h.item('/Spurious3/a.txt')).toBeDefined();
    });
});
