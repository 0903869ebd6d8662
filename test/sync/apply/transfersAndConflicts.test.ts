import type { TransferMessage } from '../../../lib/sync/contracts';
import { applyBaselineChanges, getBaselineEntry } from '../../../lib/sync/state/baselineStore';
import { readJournalRow, recordOf, toJournalRow } from '../../../lib/sync/state/transferJournal';
import { ApplyHarness } from './applyHarness';

describe('applyPlan: transfers, keep-both conflicts, skips, held deletes', () => {
    let h: ApplyHarness;
    beforeAll(async () => (h = await ApplyHarness.start((svc) => svc.sim.demo.users.adele.userPrincipalName)));
    afterAll(() => h.stop());

    const byDirection = (messages: TransferMessage[], d: 'upload' | 'download') =>
        messages.find((m) => m.direction === d)!;

    it('queues uploads and downloads as transfer messages, journaled as queued first, with deterministic ids', async () => {
        const remote = h.sim.putFile(h.gid, '/T/remote.txt', 'from OneDrive');
        const etag = await h.putBlob('T/local.txt', 'from the platform');
        const up = h.action(
            'upload',
            { from: 'T/local.txt', path: 'T/local.txt', size: 17, contentHash: 'hash=' },
            { pre: { mustNotExist: ['remote'], platformIfMatch: etag } },
        );
        const down = h.action(
            'download',
            { remoteId: remote.id, path: 'T/remote.txt', size: remote.size, contentHash: remote.quickXorHash },
            { pre: { mustNotExist: ['platform'], remoteIfMatch: remote.cTag } },
        );
        const result = await h.apply([up, down], 'run-t');
        expect(result.transfersEnqueued).toBe(2);
        expect(result.outcomes.map((o) => [o.action, o.status])).toEqual([
            ['upload', 'queued'],
            ['download', 'queued'],
        ]);
        const messages = await h.takeTransfers();
        expect(byDirection(messages, 'upload')).toEqual({
            kind: 'transfer',
            transferId: `run-t.${up.id}`,
            integrationId: h.integration.id,
            driveId: h.drive.id,
            runId: 'run-t',
            actionId: up.id,
            direction: 'upload',
            platformPath: 'T/local.txt',
            remote: { parentPath: 'T', name: 'local.txt' },
            expected: { size: 17, quickXorHash: 'hash=', platformETag: etag },
            conflictBehavior: 'fail',
        });
        expect(byDirection(messages, 'download')).toMatchObject({
            transferId: `run-t.${down.id}`,
            platformPath: 'T/remote.txt',
            remote: { itemId: remote.id, parentPath: 'T', name: 'remote.txt', ifMatch: remote.cTag },
            expected: { size: remote.size, quickXorHash: remote.quickXorHash },
            conflictBehavior: 'fail',
        });
        const table = await h.services.tables.get('transfers');
        const journal = (await readJournalRow(table, h.drive.id, `run-t.${up.id}`))!;
        expect(JSON.parse(journal.message!)).toEqual(byDirection(messages, 'upload'));
        const row = recordOf(journal);
        expect(row).toMatchObject({
            state: 'queued',
            direction: 'upload',
            platformPath: 'T/local.txt',
            bytesTotal: 17,
            runId: 'run-t',
            actionId: up.id,
        });

        // A redelivered run: the transfer that already started is not sent again; the queued one is.
        await table.updateEntity(toJournalRow({ ...row, state: 'running' }), 'Merge');
        const again = await h.apply([up, down], 'run-t');
        expect(again.transfersEnqueued).toBe(1);
        expect((await h.takeTransfers()).map((m) => m.transferId)).toEqual([`run-t.${down.id}`]);
    });

    it('sends small files several to a message, a large file alone, each journaled queued; a redelivered run sends none again', async () => {
        const actions = Array.from({ length: 20 }, (_, i) => {
            const item = h.sim.putFile(h.gid, `/B/f${i}.txt`, `small file ${i}`);
            return h.action(
                'download',
                { remoteId: item.id, path: `B/f${i}.txt`, size: item.size, contentHash: item.quickXorHash },
                { item: `id:${item.id}`, pre: { mustNotExist: ['platform'] } },
            );
        });
        const large = h.action('download', { remoteId: 'big', path: 'B/big.bin', size: 5 * 1024 * 1024 }, {});
        const result = await h.apply([...actions, large], 'run-b');
        expect(result.transfersEnqueued).toBe(21);
        expect(result.outcomes.map((o) => o.status)).toEqual(Array(21).fill('queued'));
        const sent = await h.takeQueueMessages();
        const batches = sent.filter((m) => m.kind === 'transferBatch');
        const singles = sent.filter((m) => m.kind === 'transfer');
        // 20 small files: at most 16 to a batch, so at least two batches, and every file in exactly one.
        expect(batches.length).toBeGreaterThanOrEqual(2);
        expect(batches.flatMap((b) => b.transfers.map((t) => t.actionId)).sort()).toEqual(
            actions.map((a) => a.id).sort(),
        );
        expect(singles.map((m) => m.actionId)).toEqual([large.id]);
        const table = await h.services.tables.get('transfers');
        for (const a of [...actions, large])
            expect(recordOf((await readJournalRow(table, h.drive.id, `run-b.${a.id}`))!).state).toBe('queued');

        // Redelivered after every transfer started: nothing is sent again.
        for (const a of [...actions, large]) {
            const row = recordOf((await readJournalRow(table, h.drive.id, `run-b.${a.id}`))!);
            await table.updateEntity(toJournalRow({ ...row, state: 'running' }), 'Merge');
        }
        const again = await h.apply([...actions, large], 'run-b');
        expect(again.transfersEnqueued).toBe(0);
        expect(again.outcomes.map((o) => o.status)).toEqual(Array(21).fill('queued'));
        expect(await h.takeQueueMessages()).toEqual([]);
    });

    it("an upload replacing an item after a platform move expects the moved blob's new ETag", async () => {
        const remote = h.sim.putFile(h.gid, '/U/doc.txt', 'v1');
        const etag = await h.putBlob('U/old-name.txt', 'v2 from the platform');
        const move = h.action(
            'renamePlatform',
            { from: 'U/old-name.txt', path: 'U/doc.txt', isFolder: false },
            { item: `id:${remote.id}`, pre: { platformIfMatch: etag } },
        );
        const up = h.action(
            'upload',
            { from: 'U/doc.txt', path: 'U/doc.txt', remoteId: remote.id, size: 20 },
            { item: `id:${remote.id}`, deps: [move.id], pre: { platformIfMatch: etag, remoteIfMatch: remote.cTag } },
        );
        await h.apply([move, up]);
        const [message] = await h.takeTransfers();
        expect(message).toMatchObject({
            direction: 'upload',
            conflictBehavior: 'replace',
            remote: { itemId: remote.id, ifMatch: remote.cTag },
        });
        expect(message!.expected.platformETag).toBeTruthy();
        expect(message!.expected.platformETag).not.toBe(etag);
    });

    it('keep both, platform loses: the blob is copied to the conflict name, then uploaded there, and the remote version downloaded', async () => {
        const remote = h.sim.putFile(h.gid, '/K/plan.txt', 'remote version');
        const etag = await h.putBlob('K/plan.txt', 'platform version');
        const kb = h.action(
            'conflictKeepBoth',
            {
                remoteId: remote.id,
                platformPath: 'K/plan.txt',
                path: 'K/plan.txt',
                conflictPath: 'K/plan (conflict).txt',
                loser: 'platform',
            },
            { item: `id:${remote.id}`, pre: { remoteIfMatch: remote.cTag, platformIfMatch: etag } },
        );
        const { outcomes, transfersEnqueued } = await h.apply([kb], 'run-kb');
        expect(outcomes[0]).toMatchObject({ status: 'conflict', action: 'conflictKeepBoth', path: 'K/plan.txt' });
        expect(outcomes[0]!.message).toContain('K/plan (conflict).txt');
        expect(transfersEnqueued).toBe(2);
        expect(await h.readBlob(`${h.drive.id}/K/plan (conflict).txt`)).toBe('platform version');
        expect(await h.readBlob(`${h.drive.id}/K/plan.txt`)).toBe('platform version'); // replaced later by the download, not now
        const messages = await h.takeTransfers();
        expect(byDirection(messages, 'upload')).toMatchObject({
            transferId: `run-kb.${kb.id}.upload`,
            platformPath: 'K/plan (conflict).txt',
            remote: { parentPath: 'K', name: 'plan (conflict).txt' },
            expected: { size: 16 },
            conflictBehavior: 'fail',
        });
        expect(byDirection(messages, 'download')).toMatchObject({
            transferId: `run-kb.${kb.id}.download`,
            platformPath: 'K/plan.txt',
            remote: { itemId: remote.id, ifMatch: remote.cTag },
            expected: { size: remote.size, quickXorHash: remote.quickXorHash, platformETag: etag },
            conflictBehavior: 'replace',
        });
    });

    it('keep both, remote loses: the remote item is renamed (If-Match) to the conflict name, downloaded there, and the platform version uploaded', async () => {
        const remote = h.sim.putFile(h.gid, '/K/budget.txt', 'remote budget');
        const etag = await h.putBlob('K/budget.txt', 'platform budget');
        await applyBaselineChanges(h.services, h.drive.id, {
            upsert: [
                {
                    remoteId: remote.id,
                    platformPath: 'K/budget.txt',
                    isFolder: false,
                    remoteETag: '"old"',
                    remoteSize: 1,
                    platformSize: 1,
                },
            ],
            remove: [],
        });
        const kb = h.action(
            'conflictKeepBoth',
            {
                remoteId: remote.id,
                platformPath: 'K/budget.txt',
                path: 'K/budget.txt',
                conflictPath: 'K/budget (conflict).txt',
                loser: 'remote',
            },
            { item: `id:${remote.id}`, pre: { remoteIfMatch: remote.cTag, platformIfMatch: etag } },
        );
        const { outcomes } = await h.apply([kb], 'run-kb2');
        expect(outcomes[0]).toMatchObject({ status: 'conflict' });
        expect(h.item('/K/budget (conflict).txt')?.id).toBe(remote.id);
        expect(h.item('/K/budget.txt')).toBeUndefined();
        const messages = await h.takeTransfers();
        expect(byDirection(messages, 'download')).toMatchObject({
            platformPath: 'K/budget (conflict).txt',
            remote: { itemId: remote.id },
            conflictBehavior: 'fail',
        });
        expect(byDirection(messages, 'upload')).toMatchObject({
            platformPath: 'K/budget.txt',
            remote: { parentPath: 'K', name: 'budget.txt' },
            expected: { size: 15, platformETag: etag },
            conflictBehavior: 'fail',
        });
        expect(await getBaselineEntry(h.services, h.drive.id, remote.id)).toBeUndefined();
    });

    it('keep both on a remote item changed after planning: 412, nothing copied, nothing queued', async () => {
        const remote = h.sim.putFile(h.gid, '/K/late.txt', 'v1');
        const etag = await h.putBlob('K/late.txt', 'platform');
        h.sim.putFile(h.gid, '/K/late.txt', 'v2 by a user');
        const kb = h.action(
            'conflictKeepBoth',
            {
                remoteId: remote.id,
                platformPath: 'K/late.txt',
                path: 'K/late.txt',
                conflictPath: 'K/late (conflict).txt',
                loser: 'platform',
            },
            { pre: { remoteIfMatch: remote.cTag, platformIfMatch: etag } },
        );
        const kb2 = h.action(
            'conflictKeepBoth',
            {
                remoteId: remote.id,
                platformPath: 'K/late.txt',
                path: 'K/late.txt',
                conflictPath: 'K/late (2).txt',
                loser: 'remote',
            },
            { pre: { remoteIfMatch: remote.cTag, platformIfMatch: etag } },
        );
        const { outcomes, transfersEnqueued } = await h.apply([kb, kb2]);
        expect(outcomes.map((o) => [o.status, o.code])).toEqual([
            ['retrying', 'precondition_failed'],
            ['retrying', 'precondition_failed'],
        ]);
        expect(transfersEnqueued).toBe(0);
        expect(await h.readBlob(`${h.drive.id}/K/late (conflict).txt`)).toBeUndefined();
        expect(h.item('/K/late.txt')).toBeDefined();
        expect(await h.takeTransfers()).toEqual([]);
    });

    it('reports skips with their rule and hint, held deletes as held, baseline updates as ok; a dry run changes nothing', async () => {
        const held = h.action('deleteRemote', {
            remoteId: 'R-H',
            path: 'H/x.txt',
            isFolder: false,
            toRecycleBin: true,
        });
        const actions = [
            h.action('skip', {
                side: 'remote',
                path: 'bad:name.txt',
                rule: 'invalid_character',
                hint: "Rename the file without ':' on the platform.",
            }),
            h.action('holdDelete', { side: 'remote', path: 'H/x.txt', held }),
            h.action(
                'updateBaseline',
                {
                    entry: {
                        remoteId: 'R-UB',
                        platformPath: 'ub.txt',
                        isFolder: false,
                        remoteETag: '"e"',
                        remoteSize: 1,
                        platformSize: 1,
                    },
                },
                { item: 'id:R-UB' },
            ),
            h.action('updateBaseline', { previousRemoteId: 'R-UB', entry: null }, { item: 'id:R-UB2' }),
        ];
        const { outcomes } = await h.apply(actions);
        expect(outcomes.map((o) => [o.action, o.status, o.code])).toEqual([
            ['skip', 'skipped', 'invalid_character'],
            ['holdDelete', 'held', 'test_holdDelete'],
            ['updateBaseline', 'ok', 'test_updateBaseline'],
            ['updateBaseline', 'ok', 'test_updateBaseline'],
        ]);
        expect(outcomes[0]!.hint).toContain("without ':'");
        expect(outcomes[1]!.hint).toMatch(/Approve/);
        expect(await getBaselineEntry(h.services, h.drive.id, 'R-UB')).toBeUndefined(); // upserted, then forgotten: last action wins

        const dry = await h.apply([h.action('createRemoteFolder', { path: 'DryRun' })], undefined, true);
        expect(dry.outcomes[0]).toMatchObject({ status: 'skipped', code: 'dry_run' });
        expect(h.item('/DryRun')).toBeUndefined();
    });
});
