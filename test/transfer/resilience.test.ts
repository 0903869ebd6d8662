import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { TransferMessage } from '../../lib/sync/contracts';
import { SimulatedCrash } from '../../lib/transfer/context';
import type { TransferOptions } from '../../lib/transfer/runTransfer';
import { recordThrottle, ThrottleGate, waitForThrottleGate } from '../../lib/transfer/throttleGate';
import { seededBytes, seededRandom, startTransferFixture, uid, type TransferFixture } from './transferFixture';

const KiB = 1024;
const FRAGMENT = 320 * KiB;

describe('idempotent, resumable, throttle-aware transfers', () => {
    let f: TransferFixture;
    beforeAll(async () => {
        f = await startTransferFixture();
        f.svc.sim.graph.setOptions({ download: { rejectAuthorization: true } });
    }, 120_000);
    afterAll(() => f?.stop());
    afterEach(() => f.svc.sim.graph.clearFaults());

    const graph = () => f.svc.sim.graph;

    async function upload(
        drive: DriveRecord,
        size: number,
        seed: number,
    ): Promise<{ bytes: Buffer; path: string; m: TransferMessage }> {
        const bytes = seededBytes(size, seed);
        const path = `res/u-${uid()}.bin`;
        graph().mkdirp(f.gid(drive), 'res');
        const etag = await f.putBlob(drive, path, bytes);
        return { bytes, path, m: f.message(drive, 'upload', path, size, { expected: { size, platformETag: etag } }) };
    }

    function download(
        drive: DriveRecord,
        size: number,
        seed: number,
    ): { bytes: Buffer; path: string; m: TransferMessage } {
        const bytes = seededBytes(size, seed);
        const path = `res/d-${uid()}.bin`;
        const item = graph().putFile(f.gid(drive), `/${path}`, bytes);
        return {
            bytes,
            path,
            m: f.message(drive, 'download', path, size, {
                remote: { itemId: item.id, parentPath: 'res', name: item.name },
                expected: { size, quickXorHash: item.quickXorHash },
            }),
        };
    }

    it('uploads once when the same message is delivered twice at the same time; a later redelivery is a no-op', async () => {
        const { bytes, path, m } = await upload(f.oneDrive, 4 * FRAGMENT + 17, 1);
        const before = graph().counters().uploadFragments;
        const outcomes = await Promise.all([
            f.invoke(m, {}, { fragmentBytes: FRAGMENT }),
            f.invoke(m, {}, { fragmentBytes: FRAGMENT }),
        ]);
        expect(outcomes.sort()).toEqual(['busy', 'succeeded']);
        expect(graph().counters().uploadFragments - before).toBe(5);
        expect(graph().readContent(f.gid(f.oneDrive), `/${path}`).equals(bytes)).toBe(true);
        expect(await f.invoke(m)).toBe('noop');
        expect(graph().counters().uploadFragments - before).toBe(5);
        expect((await f.record(m))!.attempts).toBe(1);
    });

    it('stops at the time budget with a checkpoint and re-enqueues itself as the next slice', async () => {
        const { bytes, path, m } = await upload(f.oneDrive, 3 * FRAGMENT, 2);
        expect(await f.invoke(m, {}, { fragmentBytes: FRAGMENT, budgetMs: 1 })).toBe('paused');
        const record = (await f.record(m))!;
        expect(record).toMatchObject({ state: 'queued', bytesDone: FRAGMENT });
        const queue = f.services.storage.queue.getQueueClient(f.services.config.queues.transfer);
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
        const next = receivedMessageItems
            .map((q) => JSON.parse(Buffer.from(q.messageText, 'base64').toString('utf8')) as TransferMessage)
            .find((q) => q.transferId === m.transferId);
        expect(next).toMatchObject({ transferId: m.transferId, slice: 1 });
        const before = graph().counters().uploadFragments;
        expect((await f.runToEnd(next!, { fragmentBytes: FRAGMENT, budgetMs: 1 })).state).toBe('succeeded');
        expect(graph().counters().uploadFragments - before).toBe(2); // resumed, not restarted
        expect(graph().readContent(f.gid(f.oneDrive), `/${path}`).equals(bytes)).toBe(true);
    });

    it('ends every transfer with a correct file through at least 50 seeded kills at random points', async () => {
        const random = seededRandom(20240605);
        let kills = 0;
        let pauses = 0;
        const cases: { bytes: Buffer; path: string; m: TransferMessage; drive: DriveRecord }[] = [];
        for (let i = 0; i < 16; i++) {
            const drive = i % 4 < 2 ? f.oneDrive : f.library;
            const size = 1 + Math.floor(random() * 5 * FRAGMENT);
            const c = i % 2 === 0 ? await upload(drive, size, 100 + i) : download(drive, size, 100 + i);
            cases.push({ ...c, drive });
        }
        for (const c of cases) {
            const options = (): TransferOptions => {
                // Each delivery dies at a random request or step with some probability, or runs out of budget.
                const crashAt = random() < 0.8 ? Math.floor(random() * 6) : -1;
                let steps = 0;
                const maybeCrash = (where: string) => {
                    if (steps++ === crashAt) {
                        kills++;
                        throw new SimulatedCrash(where);
                    }
                };
                return {
                    fragmentBytes: FRAGMENT,
                    budgetMs: random() < 0.3 ? 1 : 60_000,
                    hooks: { beforeRequest: maybeCrash, afterStep: maybeCrash },
                };
            };
            let current = c.m;
            const id = uid();
            for (let n = 1; ; n++) {
                expect(n).toBeLessThan(100);
                const outcome = await f.invoke(current, { id, dequeueCount: n }, options()).catch((e: unknown) => {
                    if (!(e instanceof SimulatedCrash)) throw e;
                    return 'crashed';
                });
                if (outcome === 'paused') {
                    pauses++;
                    current = { ...current, slice: (current.slice ?? 0) + 1 };
                }
                const record = await f.record(c.m);
                if (record?.state === 'succeeded') break;
                expect(record?.state).not.toMatch(/failed|skipped/);
            }
            const got =
                c.m.direction === 'upload'
                    ? graph().readContent(f.gid(c.drive), `/${c.path}`)
                    : await f.container.getBlobClient(`${c.drive.id}/${c.path}`).downloadToBuffer();
            expect(got.equals(c.bytes)).toBe(true);
            // Exactly one item with that name, whatever happened.
            expect(
                graph()
                    .listTree(f.gid(c.drive))
                    .filter((i) => i.path === `/${c.path}`),
            ).toHaveLength(1);
        }
        expect(kills).toBeGreaterThanOrEqual(50);
        expect(pauses).toBeGreaterThan(0);
    }, 300_000);

    it('honours Retry-After across concurrent transfers and instances (no request reaches a throttled tenant early)', async () => {
        // The simulator's clock runs in real time: Retry-After means real seconds.
        graph().resetCounters();
        const started = Date.now();
        graph().addFault({
            kind: 'throttle',
            path: 'uploadSession',
            method: 'PUT',
            count: 1,
            skip: 2,
            retryAfterSeconds: 2,
        });
        graph().addFault({
            kind: 'throttle',
            status: 503,
            path: '/items/',
            method: 'GET',
            count: 1,
            retryAfterSeconds: 1,
        });
        graph().addFault({ kind: 'throttle', path: 'download.aspx', count: 1, skip: 3, retryAfterSeconds: 2 });
        const jobs = [
            await upload(f.oneDrive, 4 * FRAGMENT, 301),
            await upload(f.library, 4 * FRAGMENT, 302),
            await upload(f.oneDrive, 2 * FRAGMENT, 303),
            download(f.library, 4 * FRAGMENT, 304),
            download(f.oneDrive, 4 * FRAGMENT, 305),
            download(f.library, 2 * FRAGMENT, 306),
        ];
        // Half of them behave as another instance would: their own gate, reading the table every time.
        const other = new ThrottleGate(() => f.services.tables.get('throttle'), 0);
        // The transfers interleave, but one request is on the wire at a time: a request already in
        // flight when Graph throttles another is not the client ignoring Retry-After.
        const wire = oneAtATime();
        const outcomes = await Promise.all(
            jobs.map((j, i) =>
                f.invoke(j.m, {}, { fragmentBytes: FRAGMENT, gate: i % 2 ? other : undefined, hooks: wire }),
            ),
        );
        expect(outcomes).toEqual(jobs.map(() => 'succeeded'));
        const counters = graph().counters();
        expect(counters.throttled).toBe(3);
        expect(counters.rethrottleViolations).toBe(0);
        expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    }, 120_000);

    it('lets the sync engine wait on the same gate', async () => {
        const tenantId = `tenant-${uid()}`;
        await recordThrottle(f.services, tenantId, 1);
        const started = Date.now();
        await waitForThrottleGate(f.services, tenantId);
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
        const again = Date.now();
        await waitForThrottleGate(f.services, tenantId);
        expect(Date.now() - again).toBeLessThan(500);
    });

    it('sent no Authorization header to a pre-authenticated URL through all the kills', () => {
        expect(graph().counters().preauthAuthorization).toEqual({ upload: 0, download: 0 });
    });
});

/** Hooks that let one request at a time onto the wire, in arrival order. */
function oneAtATime(): Pick<TransferOptions & object, 'hooks'>['hooks'] {
    let tail: Promise<void> = Promise.resolve();
    let release: (() => void) | undefined;
    return {
        beforeRequest: async () => {
            const previous = tail;
            let done!: () => void;
            tail = new Promise<void>((r) => (done = r));
            await previous;
            release = done;
        },
        afterResponse: () => {
            release?.();
            release = undefined;
        },
    };
}
