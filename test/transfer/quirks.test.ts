import type { DriveRecord } from '../../lib/drives/driveRecord';
import { quickXorHash } from '../../lib/hash/quickxorhash';
import type { TransferMessage, TransferRecord } from '../../lib/sync/contracts';
import type { TransferOptions } from '../../lib/transfer/runTransfer';
import { seededBytes, startTransferFixture, uid, type TransferFixture } from './transferFixture';

/**
 * What production SharePoint does to transfers (m365-quirks.md entries 1–3) and the redirect check of
 * downloads (issue 17): each switched on in the simulator, and what the transfer does about it.
 */
const KiB = 1024;
const FRAGMENT = 640 * KiB;
const opts: TransferOptions = { fragmentBytes: FRAGMENT };
const quietChaos = { seed: 'transfer-quirks', errorRate: 0, throttleRate: 0, dropRate: 0 };

describe('transfers on a production-like tenant', () => {
    let f: TransferFixture;
    let n = 0;
    beforeAll(async () => {
        f = await startTransferFixture();
        f.svc.sim.graph.setOptions({ download: { rejectAuthorization: true } });
    }, 120_000);
    afterAll(() => f?.stop());
    afterEach(() => {
        f.svc.sim.graph.clearFaults();
        f.svc.sim.graph.setOptions({ enrichment: { shrinkShare: 0.25 }, download: { redirectOrigin: '' } });
    });

    const graph = () => f.svc.sim.graph;
    const requests = () => f.svc.sim.simulator.requests;
    const sessionsCreated = (): number => requests().count('POST', /\/createUploadSession$/);
    const notes = (record: TransferRecord | undefined): string[] => (record?.result?.notes ?? []).map((x) => x.code);

    async function stageUpload(
        drive: DriveRecord,
        size: number,
        name = `q-${++n}.bin`,
        extra: Partial<TransferMessage> = {},
    ) {
        const bytes = seededBytes(size, 5000 + n);
        const path = `quirks/${name}`;
        graph().mkdirp(f.gid(drive), 'quirks');
        const etag = await f.putBlob(drive, path, bytes);
        const m = f.message(drive, 'upload', path, size, { expected: { size, platformETag: etag }, ...extra });
        return { bytes, path, m };
    }

    /** An upload replacing an existing item, planned with its cTag (as the planner does). */
    async function stageReplace(drive: DriveRecord, size: number, tag: 'cTag' | 'eTag' = 'cTag') {
        const name = `replace-${uid()}.bin`;
        const existing = graph().putFile(f.gid(drive), `/quirks/${name}`, 'old version');
        const staged = await stageUpload(drive, size, name);
        staged.m.remote = { ...staged.m.remote, itemId: existing.id, ifMatch: existing[tag] };
        return { ...staged, existing };
    }

    function stageDownload(drive: DriveRecord, size: number, name = `dl-${++n}.docx`) {
        const bytes = seededBytes(size, 7000 + n);
        const path = `quirks/${name}`;
        const item = graph().putFile(f.gid(drive), `/${path}`, bytes);
        const m = f.message(drive, 'download', path, item.size, {
            remote: { itemId: item.id, parentPath: 'quirks', name, ifMatch: item.cTag },
            expected: { size: item.size, quickXorHash: item.quickXorHash },
        });
        return { item, path, m };
    }

    const remote = (drive: DriveRecord, path: string) => graph().readContent(f.gid(drive), `/${path}`);
    const platformBlob = (drive: DriveRecord, path: string) => f.container.getBlobClient(`${drive.id}/${path}`);

    describe('transient 404 on a live upload session (rclone issue 8545)', () => {
        it('pauses, asks the session where it is, and sends the same fragment on the same session', async () => {
            const { bytes, path, m } = await stageUpload(f.library, 3 * FRAGMENT);
            graph().addUploadFault({ kind: 'transient404', count: 1 });
            const [sessions, fragments] = [sessionsCreated(), graph().counters().uploadFragments];
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.library, path).equals(bytes)).toBe(true);
            expect(graph().counters().quirks.transientUpload404).toBe(1);
            // One session, and no byte sent twice: nothing restarted from byte 0.
            expect(sessionsCreated() - sessions).toBe(1);
            expect(graph().counters().uploadFragments - fragments).toBe(3);
            expect(notes(await f.record(m))).toContain('upload_session_recovered');
        });

        it('a file that keeps losing its session is re-enqueued for later, never failed for good', async () => {
            const { bytes, path, m } = await stageUpload(f.library, 2 * FRAGMENT);
            graph().setChaos({ ...quietChaos, content: { transientUpload404: 1 } });
            expect(await f.invoke(m, {}, opts)).toBe('paused');
            expect(await f.record(m)).toMatchObject({
                state: 'queued',
                error: { code: 'upload_session_lost', retryable: true },
            });
            graph().setChaos(undefined);
            const done = await f.runToEnd(m, opts);
            expect(done.state).toBe('succeeded');
            expect(remote(f.library, path).equals(bytes)).toBe(true);
        }, 60_000);
    });

    describe('spurious 412 with the current tag (onedrive-api-docs issue 1716)', () => {
        it('createUploadSession: re-reads the item, sees its content unchanged, retries once with its current eTag', async () => {
            const { bytes, path, m } = await stageReplace(f.oneDrive, FRAGMENT + 7);
            graph().addUploadFault({ kind: 'spurious412', count: 1, on: ['createUploadSession'] });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
            expect(notes(await f.record(m))).toContain('precondition_retried');
        });

        it('the last fragment (412, then 416 on a retry): starts a new session with the current eTag', async () => {
            const { bytes, path, m } = await stageReplace(f.oneDrive, 2 * FRAGMENT + 3, 'eTag');
            graph().addUploadFault({ kind: 'spurious412', count: 1, on: ['lastFragment'] });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
            expect(notes(await f.record(m))).toContain('precondition_retried');
        });

        it('twice in a row: the transfer waits for the queue to retry it rather than being skipped and re-planned', async () => {
            const { bytes, path, m } = await stageReplace(f.oneDrive, FRAGMENT);
            graph().addUploadFault({ kind: 'spurious412', count: 2, on: ['createUploadSession'] });
            await expect(f.invoke(m, { dequeueCount: 1 }, opts)).rejects.toThrow();
            expect(await f.record(m)).toMatchObject({
                state: 'queued',
                error: { code: 'precondition_failed_spurious', retryable: true },
            });
            expect((await f.runToEnd(m, opts)).state).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
        });

        it('a real change is still a conflict: skipped, the item untouched', async () => {
            const { path, m, existing } = await stageReplace(f.oneDrive, FRAGMENT);
            graph().putFile(f.gid(f.oneDrive), `/${path}`, 'edited by a colleague');
            expect(graph().getItem(f.gid(f.oneDrive), existing.id)!.cTag).not.toBe(existing.cTag);
            graph().addUploadFault({ kind: 'spurious412', count: 1, on: ['createUploadSession'] });
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect(await f.record(m)).toMatchObject({ error: { code: 'precondition_failed' } });
            expect(remote(f.oneDrive, path).toString()).toBe('edited by a colleague');
        });
    });

    describe('server-modified content (enrichment) on every Business drive', () => {
        it('an Office file on OneDrive for Business: the rewrite is the baseline, marked modified by SharePoint', async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, FRAGMENT + 10, `report-${uid()}.docx`);
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            const record = (await f.record(m))!;
            const stored = graph().getItem(f.gid(f.oneDrive), `/${path}`)!;
            expect(stored.quickXorHash).not.toBe(quickXorHash(bytes));
            expect(record.result).toMatchObject({
                enriched: true,
                remoteHash: stored.quickXorHash,
                remoteSize: stored.size,
                platformHash: quickXorHash(bytes),
                platformSize: bytes.length,
            });
            expect(notes(record)).toEqual(['modified_by_sharepoint']);
        });

        it('a rewrite that shrinks the file, whose commit reply was lost: adopted as ours, not uploaded again', async () => {
            graph().setOptions({ enrichment: { shrinkShare: 1 } });
            // One fragment, so the dropped reply is the commit's.
            const { bytes, m } = await stageUpload(f.library, 100 * KiB, `deck-${uid()}.pptx`, {
                conflictBehavior: 'fail',
            });
            graph().addUploadFault({ kind: 'commitThenFail', count: 1, drop: true });
            const sessions = sessionsCreated();
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(sessionsCreated() - sessions).toBe(1);
            const { result } = (await f.record(m))!;
            expect(result).toMatchObject({ enriched: true, remoteSize: bytes.length - 11 });
        });
    });

    describe('downloads whose served bytes differ from the listing', () => {
        it('an AIP-protected file: keeps what was served, records its hash, says so', async () => {
            graph().setChaos({ ...quietChaos, content: { aipProtected: 1 } });
            const { item, path, m } = stageDownload(f.library, 3 * FRAGMENT + 5);
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            const served = await platformBlob(f.library, path).downloadToBuffer();
            expect(served.length).not.toBe(item.size);
            const record = (await f.record(m))!;
            expect(record.result).toMatchObject({
                remoteHash: item.quickXorHash,
                remoteSize: item.size,
                platformHash: quickXorHash(served),
                platformSize: served.length,
            });
            expect(notes(record)).toEqual(['served_content_differs']);
        });

        it('a listed hash the served bytes never match: confirmed by a second read, then kept with a note', async () => {
            const { item, path, m } = stageDownload(f.library, FRAGMENT + 1, `lying-${uid()}.bin`);
            graph().setLyingMetadata(f.gid(f.library), `/${path}`, {
                size: item.size,
                quickXorHash: quickXorHash(Buffer.from('other')),
            });
            m.expected = { size: item.size };
            const downloads = graph().counters().downloads;
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(graph().counters().downloads - downloads).toBe(4); // two ranges, read twice
            const served = await platformBlob(f.library, path).downloadToBuffer();
            expect(served.equals(graph().readContent(f.gid(f.library), `/${path}`))).toBe(true);
            expect((await f.record(m))!.result!.platformHash).toBe(quickXorHash(served));
            expect(notes(await f.record(m))).toEqual(['served_content_differs']);
        });
    });

    describe('download redirects (issue 17)', () => {
        it('refuses a redirect to a host that is not trusted, with a clear outcome, storing nothing', async () => {
            const { path, m } = stageDownload(f.oneDrive, 5000, `hop-${uid()}.txt`);
            const port = new URL(f.svc.sim.simulator.baseUrl).port;
            // The same simulator, by another name: a host nobody configured as trusted.
            graph().setOptions({ download: { redirectOrigin: `https://127.0.0.1:${port}` } });
            expect(await f.invoke(m, {}, opts)).toBe('failed');
            expect(await f.record(m)).toMatchObject({
                state: 'failed',
                error: { code: 'untrusted_redirect', retryable: false },
            });
            expect(await platformBlob(f.oneDrive, path).exists()).toBe(false);
        });

        it('follows a redirect to a trusted host, without a bearer token', async () => {
            const { item, path, m } = stageDownload(f.oneDrive, 5000, `hop-${uid()}.txt`);
            graph().setOptions({ download: { redirectOrigin: f.svc.sim.simulator.baseUrl } });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(quickXorHash(await platformBlob(f.oneDrive, path).downloadToBuffer())).toBe(item.quickXorHash);
        });
    });

    it('sent no Authorization header to a pre-authenticated URL in all of that', () => {
        expect(graph().counters().preauthAuthorization).toEqual({ upload: 0, download: 0 });
    });
});
