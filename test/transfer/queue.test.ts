import { sendMessage } from '../../lib/storage/queueMessages';
import type { TransferMessage } from '../../lib/sync/contracts';
import { testHostJson } from '../host/hostFixture';
import { seededBytes, startTransferFixture, type TransferFixture } from './transferFixture';

/** The registered queue function under the local host's pump: poison after maxDequeueCount, replay. */
describe('the transfer queue function, poison queue and replay route', () => {
    let f: TransferFixture;
    beforeAll(async () => {
        f = await startTransferFixture({
            withQueue: true,
            hostJson: testHostJson({ visibilityTimeout: '00:00:02', maxDequeueCount: 5 }),
        });
    }, 120_000);
    afterAll(() => f?.stop());

    const queue = (suffix = '') =>
        f.services.storage.queue.getQueueClient(`${f.services.config.queues.transfer}${suffix}`);
    const until = async (what: () => Promise<boolean>, ms = 30_000) => {
        const end = Date.now() + ms;
        while (!(await what())) {
            if (Date.now() > end) throw new Error('timed out');
            await new Promise((r) => setTimeout(r, 200));
        }
    };

    it('moves a message that keeps failing to the poison queue, records why, and replays it on request', async () => {
        const bytes = seededBytes(700_000, 9);
        const path = 'q/report.bin';
        const item = f.svc.sim.graph.putFile(f.gid(f.library), `/${path}`, bytes);
        const m: TransferMessage = f.message(f.library, 'download', path, bytes.length, {
            remote: { itemId: item.id, parentPath: 'q', name: item.name },
            expected: { size: bytes.length, quickXorHash: item.quickXorHash },
        });
        // Every read of the item is refused (retryable), five deliveries in a row.
        f.svc.sim.graph.addFault({ kind: 'error', status: 403, method: 'GET', path: `/items/${item.id}`, count: 5 });
        await sendMessage(
            await queue()
                .createIfNotExists()
                .then(() => queue()),
            m,
        );
        await until(async () => (await f.record(m))?.state === 'failed');
        expect(await f.record(m)).toMatchObject({
            state: 'failed',
            attempts: 5,
            error: { code: 'access_denied', retryable: true },
        });
        // The host creates the poison queue when it moves the message, a moment after the record says failed.
        await until(async () =>
            queue('-poison')
                .peekMessages()
                .then((p) => p.peekedMessageItems.length === 1)
                .catch(() => false),
        );
        const alerts = (await f.svc.env.api('GET', '/api/manage/alerts')).body as {
            value: { kind: string; subject: { id: string } }[];
        };
        expect(
            alerts.value.filter((a) => a.kind === 'transfer_poisoned' && a.subject.id === m.transferId),
        ).toHaveLength(1);

        const missing = await f.svc.env.api('POST', `/api/drives/${f.library.id}/transfers/nope/replay`);
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ error: { code: 'transfer_not_found' } });
        const noKey = await f.svc.env.api('POST', `/api/drives/${f.library.id}/transfers/${m.transferId}/replay`, {
            key: false,
        });
        expect(noKey.status).toBe(401);

        const replay = await f.svc.env.api('POST', `/api/drives/${f.library.id}/transfers/${m.transferId}/replay`);
        expect(replay.status).toBe(202);
        expect(replay.body).toMatchObject({ transferId: m.transferId, state: 'queued' });
        await until(async () => (await f.record(m))?.state === 'succeeded');
        const blob = await f.container.getBlobClient(`${f.library.id}/${path}`).downloadToBuffer();
        expect(blob.equals(bytes)).toBe(true);

        const again = await f.svc.env.api('POST', `/api/drives/${f.library.id}/transfers/${m.transferId}/replay`);
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ error: { code: 'transfer_not_failed' } });
    }, 90_000);

    it('carries an upload through the pump, and a duplicate message is a no-op', async () => {
        const bytes = seededBytes(1_000_000, 10);
        const path = 'q/upload.bin';
        f.svc.sim.graph.mkdirp(f.gid(f.oneDrive), 'q');
        const etag = await f.putBlob(f.oneDrive, path, bytes);
        const m = f.message(f.oneDrive, 'upload', path, bytes.length, {
            expected: { size: bytes.length, platformETag: etag },
        });
        const before = f.svc.sim.graph.counters().uploadFragments;
        await sendMessage(queue(), m);
        await sendMessage(queue(), m);
        await until(async () => (await f.record(m))?.state === 'succeeded');
        await until(async () => (await queue().peekMessages()).peekedMessageItems.length === 0);
        expect(f.svc.sim.graph.readContent(f.gid(f.oneDrive), `/${path}`).equals(bytes)).toBe(true);
        expect(f.svc.sim.graph.counters().uploadFragments - before).toBe(1);
    }, 60_000);
});
