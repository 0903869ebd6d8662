import { quickXorHash } from '../../lib/hash/quickxorhash';
import { seededBytes, startTransferFixture, type TransferFixture } from './transferFixture';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES: [string, number][] = [
    ['0 B', 0],
    ['1 B', 1],
    ['exactly 320 KiB', 320 * KiB],
    ['10 MiB + 1', 10 * MiB + 1],
    ['45 MiB (5 fragments)', 45 * MiB],
];

describe('transfers of every size, both ways, against the simulator', () => {
    let f: TransferFixture;
    beforeAll(async () => {
        f = await startTransferFixture();
        // Any bearer on a pre-authenticated URL is refused outright (and counted).
        f.svc.sim.graph.setOptions({ download: { rejectAuthorization: true }, uploads: { rejectAuthorization: true } });
        f.svc.sim.graph.resetCounters();
    }, 120_000);
    afterAll(() => f?.stop());

    it.each(SIZES)('uploads %s from Blob to OneDrive with its mtime, verified by quickXorHash', async (label, size) => {
        const bytes = seededBytes(size, size + 7);
        const mtime = new Date('2024-03-05T06:07:08Z');
        const path = `up/${label.replace(/\W+/g, '-')}.bin`;
        f.svc.sim.graph.mkdirp(f.gid(f.oneDrive), 'up');
        const etag = await f.putBlob(f.oneDrive, path, bytes, mtime);
        const fragmentsBefore = f.svc.sim.graph.counters().uploadFragments;
        const m = f.message(f.oneDrive, 'upload', path, size, { expected: { size, platformETag: etag } });
        expect(await f.invoke(m)).toBe('succeeded');
        const stored = f.svc.sim.graph.readContent(f.gid(f.oneDrive), `/${path}`);
        expect(stored.equals(bytes)).toBe(true);
        const item = f.svc.sim.graph.getItem(f.gid(f.oneDrive), `/${path}`)!;
        const record = await f.record(m);
        expect(record).toMatchObject({ state: 'succeeded', bytesDone: size, bytesTotal: size });
        expect(record!.result).toMatchObject({
            remoteId: item.id,
            remoteHash: quickXorHash(bytes),
            platformHash: quickXorHash(bytes),
            platformETag: etag,
            remoteSize: size,
            enriched: false,
        });
        const fragments = f.svc.sim.graph.counters().uploadFragments - fragmentsBefore;
        // Empty files go by simple PUT (no session); the rest in 10 MiB fragments.
        expect(fragments).toBe(Math.ceil(size / (10 * MiB)));
        if (size > 0) expect(item.fileSystemModified).toBe('2024-03-05T06:07:08.000Z');
    });

    it.each(SIZES)('downloads %s from SharePoint to Blob with quickxorhash metadata', async (label, size) => {
        const bytes = seededBytes(size, size + 11);
        const path = `down/${label.replace(/\W+/g, '-')}.bin`;
        const item = f.svc.sim.graph.putFile(f.gid(f.library), `/${path}`, bytes);
        const m = f.message(f.library, 'download', path, size, {
            remote: { itemId: item.id, parentPath: 'down', name: item.name, ifMatch: item.eTag },
            expected: { size, quickXorHash: item.quickXorHash },
        });
        expect(await f.invoke(m)).toBe('succeeded');
        const blob = f.container.getBlobClient(`${f.library.id}/${path}`);
        const downloaded = await blob.downloadToBuffer();
        expect(downloaded.equals(bytes)).toBe(true);
        const props = await blob.getProperties();
        expect(props.metadata?.quickxorhash).toBe(quickXorHash(bytes));
        const record = await f.record(m);
        expect(record!.result).toMatchObject({
            remoteId: item.id,
            platformETag: props.etag,
            platformHash: item.quickXorHash,
            platformSize: size,
        });
    });

    it('never sent an Authorization header to an upload or download URL', () => {
        expect(f.svc.sim.graph.counters().preauthAuthorization).toEqual({ upload: 0, download: 0 });
    });

    it('never logged an upload or download URL', () => {
        const leaks = f.logs.filter((l) => /tempauth=(?!\[redacted\])/i.test(l) || /uploadSession\?/.test(l));
        expect(leaks).toEqual([]);
    });
});
