import { HOUR, MINUTE } from '../../dev/m365/clock';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { quickXorHash } from '../../lib/hash/quickxorhash';
import type { TransferMessage } from '../../lib/sync/contracts';
import type { TransferOptions } from '../../lib/transfer/runTransfer';
import { seededBytes, startTransferFixture, uid, type TransferFixture } from './transferFixture';

const KiB = 1024;
const FRAGMENT = 640 * KiB;
const opts: TransferOptions = { fragmentBytes: FRAGMENT };

describe("uploads and downloads through Graph's failure modes", () => {
    let f: TransferFixture;
    let n = 0;
    /** Graph's clock minus the service's: tests that jump Graph ahead bring it back to this afterwards. */
    let skew = 0;
    beforeAll(async () => {
        f = await startTransferFixture();
        f.svc.sim.graph.setOptions({ download: { rejectAuthorization: true } });
        skew = f.svc.sim.simulator.clock.now() - Date.now();
    }, 120_000);
    afterAll(() => f?.stop());
    afterEach(() => {
        f.svc.sim.graph.clearFaults();
        // Time passes on both sides; a jump made for one test must not leave Graph's clock ahead of the
        // service's, or the access token MSAL still trusts would look expired to Graph in the next one.
        f.svc.sim.simulator.clock.set(Date.now() + skew);
    });

    const graph = () => f.svc.sim.graph;
    const clock = () => f.svc.sim.simulator.clock;

    async function stageUpload(
        drive: DriveRecord,
        size: number,
        name = `file-${++n}.bin`,
        extra: Partial<TransferMessage> = {},
    ) {
        const bytes = seededBytes(size, 1000 + n);
        const path = `faults/${name}`;
        graph().mkdirp(f.gid(drive), 'faults');
        const etag = await f.putBlob(drive, path, bytes);
        const m = f.message(drive, 'upload', path, size, { expected: { size, platformETag: etag }, ...extra });
        return { bytes, path, m };
    }

    function stageDownload(drive: DriveRecord, size: number, name = `dl-${++n}.bin`) {
        const bytes = seededBytes(size, 2000 + n);
        const path = `faults/${name}`;
        const item = graph().putFile(f.gid(drive), `/${path}`, bytes);
        const m = f.message(drive, 'download', path, size, {
            remote: { itemId: item.id, parentPath: 'faults', name, ifMatch: item.eTag },
            expected: { size, quickXorHash: item.quickXorHash },
        });
        return { bytes, path, item, m };
    }

    const remote = (drive: DriveRecord, path: string) => graph().readContent(f.gid(drive), `/${path}`);
    const platform = (drive: DriveRecord, path: string) =>
        f.container.getBlobClient(`${drive.id}/${path}`).downloadToBuffer();

    describe('upload', () => {
        it('realigns to the 320 KiB grid after a partial accept (nextExpectedRanges off the grid)', async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, 3 * FRAGMENT + 1000);
            graph().addUploadFault({ kind: 'partialAccept', count: 1, bytes: 100_001 });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            // The simulator fails the commit if any non-final fragment ended off the grid.
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
        });

        it("continues from the server's offset when a fragment was kept but the reply was a 503 (416 on retry, several ranges)", async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, 3 * FRAGMENT);
            graph().addUploadFault({ kind: 'commitThenFail', count: 1 });
            graph().addUploadFault({ kind: 'multipleRanges', count: 1 });
            const before = graph().counters().uploadFragments;
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
            // Three fragments, each accepted once: the kept one was not sent again.
            expect(graph().counters().uploadFragments - before).toBe(3);
        });

        it('adopts its own commit when the connection drops on the last fragment', async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, 100 * KiB);
            graph().addUploadFault({ kind: 'commitThenFail', count: 1, drop: true });
            const before = graph().counters().uploadFragments;
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
            expect(graph().counters().uploadFragments - before).toBe(1);
            expect((await f.record(m))!.result!.remoteHash).toBe(quickXorHash(bytes));
        });

        it('starts a new session when the session expired (404) mid-upload', async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, 3 * FRAGMENT);
            let moved = false;
            const hooks = {
                afterStep: (step: string) =>
                    void (step === 'fragment' && !moved && ((moved = true), clock().advance(16 * MINUTE))),
            };
            expect(await f.invoke(m, {}, { ...opts, hooks })).toBe('succeeded');
            expect(moved).toBe(true);
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
        });

        it("starts a new session when the upload URL's tempauth expires mid-upload (403 on business drives)", async () => {
            // A short tempauth lifetime, so its expiry needs no jump past the access token's own lifetime
            // (Graph would then refuse the token the service's clock still trusts).
            graph().setOptions({ uploads: { tempauthLifetimeMs: 10 * MINUTE } });
            try {
                const { bytes, path, m } = await stageUpload(f.library, 4 * FRAGMENT);
                let steps = 0;
                const hooks = {
                    afterStep: (step: string) =>
                        void (step === 'fragment' && ++steps === 2 && clock().advance(11 * MINUTE)),
                };
                expect(await f.invoke(m, {}, { ...opts, hooks })).toBe('succeeded');
                expect(steps).toBeGreaterThanOrEqual(2);
                expect(remote(f.library, path).equals(bytes)).toBe(true);
            } finally {
                graph().setOptions({ uploads: { tempauthLifetimeMs: 24 * HOUR } });
            }
        });

        it('retries 5xx and dropped connections on fragments, resynchronising from the session status', async () => {
            const { bytes, path, m } = await stageUpload(f.oneDrive, 4 * FRAGMENT);
            graph().addFault({ kind: 'error', status: 500, method: 'PUT', path: 'uploadSession', count: 2, skip: 1 });
            graph().addFault({ kind: 'drop', method: 'PUT', path: 'uploadSession', count: 1, skip: 2 });
            graph().addFault({ kind: 'error', status: 502, method: 'POST', path: 'createUploadSession', count: 1 });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
        });

        it('skips with name_conflict when the name is taken during the session (409 on the last fragment)', async () => {
            const name = `clash-${uid()}.bin`;
            const { path, m } = await stageUpload(f.oneDrive, 2 * FRAGMENT, name, { conflictBehavior: 'fail' });
            const theirs = Buffer.from("somebody else's file");
            const hooks = {
                afterStep: (step: string) =>
                    void (step === 'fragment' && graph().putFile(f.gid(f.oneDrive), `/${path}`, theirs)),
            };
            expect(await f.invoke(m, {}, { ...opts, hooks })).toBe('skipped');
            expect(await f.record(m)).toMatchObject({
                state: 'skipped',
                error: { code: 'name_conflict', graphCode: 'nameAlreadyExists', retryable: false },
            });
            expect(remote(f.oneDrive, path).equals(theirs)).toBe(true);
        });

        it('skips with precondition_failed when the item changed since planning (412), leaving it untouched', async () => {
            const name = `changed-${uid()}.bin`;
            const existing = graph().putFile(f.gid(f.oneDrive), `/faults/${name}`, 'v1');
            graph().putFile(f.gid(f.oneDrive), `/faults/${name}`, 'v2 by a colleague');
            const { path, m } = await stageUpload(f.oneDrive, FRAGMENT, name);
            m.remote = { ...m.remote, itemId: existing.id, ifMatch: existing.eTag };
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect(await f.record(m)).toMatchObject({
                state: 'skipped',
                error: { code: 'precondition_failed', graphCode: 'resourceModified' },
            });
            expect(remote(f.oneDrive, path).toString()).toBe('v2 by a colleague');
        });

        it('replaces an existing item by id with If-Match', async () => {
            const name = `replace-${uid()}.bin`;
            const existing = graph().putFile(f.gid(f.oneDrive), `/faults/${name}`, 'old');
            const { bytes, path, m } = await stageUpload(f.oneDrive, FRAGMENT + 5, name);
            m.remote = { ...m.remote, itemId: existing.id, ifMatch: existing.eTag };
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(remote(f.oneDrive, path).equals(bytes)).toBe(true);
            expect((await f.record(m))!.result!.remoteId).toBe(existing.id);
        });

        it('fails visibly on 413 (fragment too large for the server)', async () => {
            graph().setOptions({ uploads: { maxFragmentBytes: 320 * KiB } });
            try {
                const { m } = await stageUpload(f.oneDrive, 2 * FRAGMENT);
                expect(await f.invoke(m, {}, opts)).toBe('failed');
                expect(await f.record(m)).toMatchObject({
                    state: 'failed',
                    error: { code: 'too_large', retryable: false },
                });
            } finally {
                graph().setOptions({ uploads: { maxFragmentBytes: 60 * 1024 * KiB } });
            }
        });

        it('fails visibly on 507 (no quota left), creating no session', async () => {
            const siteId = f.svc.sim.content.site.id;
            const tiny = graph().createLibrary(siteId, `Tiny${n}`, { quotaTotal: 1000 });
            const { drive } = await f.svc.connectDrive(
                { name: 'Tiny library', kind: 'sharepoint' },
                f.svc.sim.demo.users.adele.userPrincipalName,
            );
            const patched = await f.svc.env.api('PATCH', `/api/drives/${drive.id}`, {
                body: { siteId, graphDriveId: tiny.id },
            });
            expect(patched.status).toBe(200);
            const { m } = await stageUpload(patched.body as DriveRecord, 2 * FRAGMENT);
            expect(await f.invoke(m, {}, opts)).toBe('failed');
            expect(await f.record(m)).toMatchObject({
                state: 'failed',
                error: { code: 'quota_exceeded', graphCode: 'quotaLimitReached', retryable: false },
            });
        });

        it('skips with source_changed when the platform file changed after planning', async () => {
            const { m } = await stageUpload(f.oneDrive, 1000);
            m.expected = { ...m.expected, platformETag: '"0x8D0000000000000"' };
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect(await f.record(m)).toMatchObject({ error: { code: 'source_changed' } });
        });

        it('records SharePoint enrichment of an Office file as the new baseline, not as corruption', async () => {
            const { bytes, m } = await stageUpload(f.library, FRAGMENT + 10, `report-${uid()}.docx`);
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            const { result } = (await f.record(m))!;
            expect(result).toMatchObject({
                enriched: true,
                platformHash: quickXorHash(bytes),
                platformSize: bytes.length,
            });
            // Grown, or shrunk (msgraph-sdk-dotnet#1222): the simulator decides per file.
            expect(result!.remoteSize).not.toBe(bytes.length);
            expect(result!.remoteHash).not.toBe(quickXorHash(bytes));
        });

        it('calls an Office file on OneDrive for Business enriched too (quirks.test.ts has the details)', async () => {
            const { m } = await stageUpload(f.oneDrive, FRAGMENT + 10, `report-${uid()}.docx`);
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect((await f.record(m))!.result!.enriched).toBe(true);
        });

        it('does not call a file SharePoint does not rewrite enriched', async () => {
            const { m } = await stageUpload(f.oneDrive, FRAGMENT + 10, `data-${uid()}.bin`);
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect((await f.record(m))!.result).toMatchObject({ enriched: false });
            expect((await f.record(m))!.result!.notes).toBeUndefined();
        });
    });

    describe('download', () => {
        it('restarts cleanly when the server ignores Range (200 with the whole body)', async () => {
            graph().setOptions({ download: { ignoreRange: true } });
            try {
                const { bytes, path, m } = stageDownload(f.library, 3 * FRAGMENT + 3);
                expect(await f.invoke(m, {}, opts)).toBe('succeeded');
                expect((await platform(f.library, path)).equals(bytes)).toBe(true);
            } finally {
                graph().setOptions({ download: { ignoreRange: false } });
            }
        });

        it('fetches a fresh download URL when the old one expires mid-download', async () => {
            // A short URL lifetime, for the same reason as the tempauth test above.
            graph().setOptions({ download: { urlLifetimeMs: 10 * MINUTE } });
            try {
                const { bytes, path, m } = stageDownload(f.library, 3 * FRAGMENT);
                let moved = false;
                const hooks = {
                    afterStep: (step: string) =>
                        void (step === 'block' && !moved && ((moved = true), clock().advance(11 * MINUTE))),
                };
                expect(await f.invoke(m, {}, { ...opts, hooks })).toBe('succeeded');
                expect(moved).toBe(true);
                expect((await platform(f.library, path)).equals(bytes)).toBe(true);
            } finally {
                graph().setOptions({ download: { urlLifetimeMs: HOUR } });
            }
        });

        it('retries 5xx and a connection dropped mid-body', async () => {
            const { bytes, path, m } = stageDownload(f.oneDrive, 3 * FRAGMENT);
            graph().addFault({ kind: 'error', status: 503, path: 'download.aspx', count: 1 });
            graph().addFault({ kind: 'drop', path: 'download.aspx', when: 'midBody', count: 1, skip: 1 });
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect((await platform(f.oneDrive, path)).equals(bytes)).toBe(true);
        });

        it('reports malware and never retries it', async () => {
            const { path, m } = stageDownload(f.library, 2000);
            graph().setMalware(f.gid(f.library), `/${path}`, 'EICAR-Test-File');
            expect(await f.invoke(m, {}, opts)).toBe('failed');
            expect(await f.record(m)).toMatchObject({
                state: 'failed',
                error: { code: 'malware_detected', retryable: false },
            });
            expect(await f.container.getBlobClient(`${f.library.id}/${path}`).exists()).toBe(false);
        });

        it('keeps bytes that differ from the listed hash only once a second read confirms them (quirks.test.ts)', async () => {
            const { path, m } = stageDownload(f.library, FRAGMENT + 1);
            graph().setLyingMetadata(f.gid(f.library), `/${path}`, {
                size: FRAGMENT + 1,
                quickXorHash: quickXorHash(Buffer.from('other')),
            });
            m.expected = { size: FRAGMENT + 1 };
            const before = graph().counters().downloads;
            expect(await f.invoke(m, {}, opts)).toBe('succeeded');
            expect(graph().counters().downloads - before).toBe(4);
            expect((await f.record(m))!.result!.notes?.map((x) => x.code)).toEqual(['served_content_differs']);
        });

        it('skips when the platform file changed (commit If-Match fails) and leaves it alone', async () => {
            const { path, m } = stageDownload(f.oneDrive, 5000);
            const etag = await f.putBlob(f.oneDrive, path, Buffer.from('platform v1'));
            await f.putBlob(f.oneDrive, path, Buffer.from('platform v2'));
            m.expected = { ...m.expected, platformETag: etag };
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect(await f.record(m)).toMatchObject({ error: { code: 'precondition_failed' } });
            expect((await platform(f.oneDrive, path)).toString()).toBe('platform v2');
        });

        it('never overwrites a platform file it did not expect (If-None-Match: *)', async () => {
            const { path, m } = stageDownload(f.oneDrive, 5000);
            await f.putBlob(f.oneDrive, path, Buffer.from('created on the platform meanwhile'));
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect((await platform(f.oneDrive, path)).toString()).toBe('created on the platform meanwhile');
        });

        it('skips when the item changed after planning', async () => {
            const { path, m } = stageDownload(f.oneDrive, 5000);
            graph().putFile(f.gid(f.oneDrive), `/${path}`, 'edited in Word');
            expect(await f.invoke(m, {}, opts)).toBe('skipped');
            expect(await f.record(m)).toMatchObject({ error: { code: 'source_changed' } });
        });
    });

    it('sent no Authorization header to a pre-authenticated URL in all of that', () => {
        expect(graph().counters().preauthAuthorization).toEqual({ upload: 0, download: 0 });
    });
});
