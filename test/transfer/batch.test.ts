import { createHash } from 'node:crypto';
import { readChangeFeed } from '../../lib/changes';
import type { TransferBatchMessage, TransferMessage } from '../../lib/sync/contracts';
import { SimulatedCrash } from '../../lib/transfer/context';
import type { BatchFileOutcome } from '../../lib/transfer/runBatch';
import { seededBytes, startTransferFixture, uid, type TransferFixture } from './transferFixture';

const KiB = 1024;
const FILES = 10;

/**
 * A batch message (several small files, each its own transfer) delivered at least once and killed at
 * any point: every file ends committed exactly once, with the bytes SharePoint has, one journal outcome
 * and one change-feed event each.
 */
describe('batched small-file transfers', () => {
    let f: TransferFixture;
    beforeAll(async () => {
        f = await startTransferFixture();
    }, 120_000);
    afterAll(() => f?.stop());

    const graph = () => f.svc.sim.graph;

    function downloads(seed: number): { batch: TransferBatchMessage; bytes: Map<string, Buffer> } {
        const folder = `batch-${uid()}`;
        const bytes = new Map<string, Buffer>();
        const transfers: TransferMessage[] = [];
        for (let i = 0; i < FILES; i++) {
            const content = seededBytes(4 * KiB + ((i * 7919) % (60 * KiB)), seed * 100 + i);
            const item = graph().putFile(f.gid(f.oneDrive), `/${folder}/f${i}.bin`, content);
            const m = f.message(f.oneDrive, 'download', `${folder}/f${i}.bin`, content.length, {
                remote: { itemId: item.id, parentPath: folder, name: item.name },
                expected: { size: content.length, quickXorHash: item.quickXorHash },
            });
            bytes.set(m.transferId, content);
            transfers.push(m);
        }
        const first = transfers[0]!;
        return {
            batch: {
                kind: 'transferBatch',
                integrationId: first.integrationId,
                driveId: first.driveId,
                runId: first.runId,
                transfers,
            },
            bytes,
        };
    }

    /** Every file: journal succeeded, blob bytes as on SharePoint, committed once, one feed event. */
    async function expectEachCommittedOnce(
        batch: TransferBatchMessage,
        bytes: Map<string, Buffer>,
        commits: Map<string, number>,
    ): Promise<void> {
        const feed = await readChangeFeed(f.services, f.oneDrive.id, undefined, 1000);
        for (const m of batch.transfers) {
            expect({ path: m.platformPath, state: (await f.record(m))?.state }).toEqual({
                path: m.platformPath,
                state: 'succeeded',
            });
            const stored = await f.container.getBlobClient(`${f.oneDrive.id}/${m.platformPath}`).downloadToBuffer();
            expect(sha256(stored)).toBe(sha256(bytes.get(m.transferId)!));
            expect({ path: m.platformPath, commits: commits.get(m.transferId) }).toEqual({
                path: m.platformPath,
                commits: 1,
            });
            expect(feed.value.filter((e) => e.transferId === m.transferId)).toHaveLength(1);
        }
    }

    /** Counts commits per file; optionally "kills" the process at the nth commit or nth range request. */
    function counting(commits: Map<string, number>, crashAt?: { step: string; nth: number }) {
        let seen = 0;
        const maybeCrash = (step: string) => {
            if (crashAt && step === crashAt.step && ++seen === crashAt.nth) throw new SimulatedCrash(step);
        };
        return {
            afterStep(step: string, transferId?: string) {
                if (step === 'commit' && transferId) commits.set(transferId, (commits.get(transferId) ?? 0) + 1);
                maybeCrash(step);
            },
            afterResponse: maybeCrash,
        };
    }

    it.each([
        { step: 'commit', nth: 4, what: 'after a file committed, before its journal write' },
        { step: 'commit', nth: 1, what: 'after the first commit' },
        { step: 'download range', nth: 3, what: 'after a file was read, before it was written' },
    ])('a batch killed $what and redelivered commits each file exactly once', async ({ step, nth }) => {
        const { batch, bytes } = downloads(nth + step.length);
        const commits = new Map<string, number>();
        const id = uid();
        await expect(
            f.invoke(batch, { id, dequeueCount: 1 }, { hooks: counting(commits, { step, nth }) }),
        ).rejects.toThrow(SimulatedCrash);
        const unfinished = (await Promise.all(batch.transfers.map((m) => f.record(m)))).filter(
            (r) => r?.state !== 'succeeded',
        );
        // The kill left work undone: the test would prove nothing otherwise.
        expect(unfinished.length).toBeGreaterThan(0);
        const second = (await f.invoke(
            batch,
            { id, dequeueCount: 2 },
            { hooks: counting(commits) },
        )) as BatchFileOutcome[];
        expect(second.map((o) => o.transferId)).toEqual(batch.transfers.map((m) => m.transferId));
        // Files done by the first delivery are no-ops now; the rest succeed.
        expect(new Set(second.map((o) => o.outcome))).toEqual(
            new Set(second.some((o) => o.outcome === 'noop') ? ['noop', 'succeeded'] : ['succeeded']),
        );
        await expectEachCommittedOnce(batch, bytes, commits);
        // A third delivery (the host lost the delete) changes nothing.
        const third = (await f.invoke(
            batch,
            { id, dequeueCount: 3 },
            { hooks: counting(commits) },
        )) as BatchFileOutcome[];
        expect(third.every((o) => o.outcome === 'noop')).toBe(true);
        await expectEachCommittedOnce(batch, bytes, commits);
    });

    it('gives each file its own outcome: one changed on SharePoint is skipped, the others succeed', async () => {
        const { batch, bytes } = downloads(77);
        const changed = batch.transfers[5]!;
        graph().putFile(f.gid(f.oneDrive), `/${changed.platformPath}`, Buffer.from('edited after planning'));
        const outcomes = (await f.invoke(batch, { id: uid() })) as BatchFileOutcome[];
        expect(outcomes.filter((o) => o.outcome !== 'succeeded').map((o) => [o.platformPath, o.outcome])).toEqual([
            [changed.platformPath, 'skipped'],
        ]);
        expect((await f.record(changed))?.error?.code).toBe('source_changed');
        const rest = { ...batch, transfers: batch.transfers.filter((m) => m !== changed) };
        const commits = new Map(rest.transfers.map((m) => [m.transferId, 1]));
        await expectEachCommittedOnce(rest, bytes, commits);
    });

    it('sends the files it has no time left for on as their own messages, which then complete', async () => {
        const { batch, bytes } = downloads(31);
        const outcomes = (await f.invoke(batch, { id: uid() }, { budgetMs: 1 })) as BatchFileOutcome[];
        expect(outcomes.map((o) => o.outcome)).toEqual(Array(FILES).fill('paused'));
        const queue = f.services.storage.queue.getQueueClient(f.services.config.queues.transfer);
        const ours = new Set(batch.transfers.map((m) => m.transferId));
        const singles: TransferMessage[] = [];
        for (let round = 0; round < 10 && singles.length < FILES; round++) {
            const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
            for (const item of receivedMessageItems) {
                const m = JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as TransferMessage;
                if (ours.has(m.transferId)) singles.push(m);
                await queue.deleteMessage(item.messageId, item.popReceipt);
            }
        }
        expect(singles.map((m) => m.kind).sort()).toEqual(Array(FILES).fill('transfer'));
        const commits = new Map<string, number>();
        for (const m of singles)
            expect(await f.invoke(m, { id: uid() }, { hooks: counting(commits) })).toBe('succeeded');
        await expectEachCommittedOnce(batch, bytes, commits);
    });

    it('refuses a batch that names a file of another drive', async () => {
        const { batch } = downloads(5);
        const foreign = { ...batch.transfers[0]!, driveId: f.library.id };
        expect(await f.invoke({ ...batch, transfers: [foreign, ...batch.transfers.slice(1)] })).toBe('invalid');
        expect(await f.record(foreign)).toBeUndefined();
    });
});

function sha256(b: Buffer): string {
    return createHash('sha256').update(b).digest('hex');
}
