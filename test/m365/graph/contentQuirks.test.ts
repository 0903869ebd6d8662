import { quickXorHash } from '../../../lib/hash/quickxorhash';
import { TENANT, basicWorld, startHarness, type Harness } from './support/harness';

/**
 * The upload and content quirks of production tenants (m365-quirks.md entries 1–3): enrichment on
 * every Business drive by default; transient session 404s, spurious 412s and AIP-protected downloads
 * as switches with seeded rates (off by default).
 */
const KIB320 = 320 * 1024;
let h: Harness;
let world: ReturnType<typeof basicWorld>;
let alice: string;
const lib = (): string => `/v1.0/drives/${world.libraryId}`;

beforeEach(async () => {
    h = await startHarness();
    world = basicWorld(h);
    alice = h.userToken('u-alice');
});
afterEach(() => h.close());

function payload(size: number, seed = 1): Buffer {
    const b = Buffer.alloc(size);
    for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7) & 0xff;
    return b;
}

async function session(path: string, headers: Record<string, string> = {}, base = lib()): Promise<string> {
    const res = await h.request('POST', `${base}/root:${path}:/createUploadSession`, {
        token: alice,
        headers,
        body: { item: { '@microsoft.graph.conflictBehavior': 'replace' } },
    });
    expect(res.status).toBe(200);
    return res.json.uploadUrl as string;
}

const put = (url: string, data: Buffer, start: number, total: number) =>
    h.request('PUT', url, {
        body: data,
        headers: { 'content-range': `bytes ${start}-${start + data.length - 1}/${total}` },
    });

const quiet = { seed: 'quirks', errorRate: 0, throttleRate: 0, dropRate: 0 };

describe('transient 404 on a live upload session (rclone issue 8545)', () => {
    it('is off by default', async () => {
        const url = await session('/plain.bin');
        expect((await put(url, payload(100), 0, 100)).status).toBe(201);
        expect(h.api.counters().quirks.transientUpload404).toBe(0);
    });

    it('answers a fragment 404 itemNotFound while the session lives on: the status answers, the same fragment goes through', async () => {
        const data = payload(KIB320 * 2);
        const url = await session('/busy.bin');
        expect((await put(url, data.subarray(0, KIB320), 0, data.length)).status).toBe(202);
        h.api.addUploadFault({ kind: 'transient404', count: 1 });
        const lost = await put(url, data.subarray(KIB320), KIB320, data.length);
        expect(lost.status).toBe(404);
        expect(lost.json.error).toMatchObject({ code: 'itemNotFound', message: 'The upload session was not found' });
        const status = await h.request('GET', url);
        expect(status.status).toBe(200);
        expect(status.json.nextExpectedRanges).toEqual([`${KIB320}-`]);
        const done = await put(url, data.subarray(KIB320), KIB320, data.length);
        expect(done.status).toBe(201);
        expect(done.json.file.hashes.quickXorHash).toBe(quickXorHash(data));
        expect(h.api.counters().quirks.transientUpload404).toBe(1);
    });

    it('strikes at a seeded rate that replays identically', async () => {
        const run = async (seed: string): Promise<number[]> => {
            h.api.setChaos({ ...quiet, seed, content: { transientUpload404: 0.5 } });
            const url = await session(`/rate-${seed}.bin`);
            const statuses: number[] = [];
            for (let i = 0; i < 12; i++) statuses.push((await put(url, payload(KIB320), 0, KIB320 * 20)).status);
            h.api.setChaos(undefined);
            return statuses;
        };
        const first = await run('s1');
        expect(first.filter((s) => s === 404).length).toBeGreaterThan(0);
        expect(first.filter((s) => s !== 404).length).toBeGreaterThan(0);
        // Every accepted fragment moved the session on, so later ones overlap (416): only the 404s matter here.
        const again = await run('s1');
        expect(again.map((s) => s === 404)).toEqual(first.map((s) => s === 404));
    });
});

describe('spurious 412 with a matching If-Match (onedrive-api-docs issue 1716)', () => {
    it('refuses createUploadSession with the current eTag or cTag once, then accepts the same request', async () => {
        const item = h.api.putFile(world.libraryId, '/doc.bin', 'v1');
        h.api.addUploadFault({ kind: 'spurious412', count: 2, on: ['createUploadSession'] });
        for (const tag of [item.eTag, item.cTag]) {
            const refused = await h.request('POST', `${lib()}/items/${item.id}/createUploadSession`, {
                token: alice,
                headers: { 'if-match': tag },
                body: {},
            });
            expect(refused.status).toBe(412);
            expect(refused.json.error.code).toBe('resourceModified');
        }
        expect(h.api.getItem(world.libraryId, item.id)!.eTag).toBe(item.eTag);
        const accepted = await h.request('POST', `${lib()}/items/${item.id}/createUploadSession`, {
            token: alice,
            headers: { 'if-match': item.eTag },
            body: {},
        });
        expect(accepted.status).toBe(200);
        expect(h.api.counters().quirks.spurious412).toBe(2);
    });

    it('refuses a PATCH with the current eTag once', async () => {
        const item = h.api.putFile(world.libraryId, '/rename-me.txt', 'x');
        h.api.addUploadFault({ kind: 'spurious412', count: 1, on: ['patch'] });
        const patch = () =>
            h.request('PATCH', `${lib()}/items/${item.id}`, {
                token: alice,
                headers: { 'if-match': item.eTag },
                body: { name: 'renamed.txt' },
            });
        expect((await patch()).status).toBe(412);
        expect(h.api.getItem(world.libraryId, item.id)!.name).toBe('rename-me.txt');
        const ok = await patch();
        expect(ok.status).toBe(200);
        expect(ok.json.name).toBe('renamed.txt');
    });

    it('fails the last fragment of an If-Match session with 412, then 416, committing nothing', async () => {
        const item = h.api.putFile(world.libraryId, '/tail.bin', 'v1');
        const url = await session('/tail.bin', { 'if-match': item.eTag });
        h.api.addUploadFault({ kind: 'spurious412', count: 1, on: ['lastFragment'] });
        const data = payload(KIB320 + 10);
        expect((await put(url, data.subarray(0, KIB320), 0, data.length)).status).toBe(202);
        const last = await put(url, data.subarray(KIB320), KIB320, data.length);
        expect(last.status).toBe(412);
        expect((await put(url, data.subarray(KIB320), KIB320, data.length)).status).toBe(416);
        expect((await h.request('GET', url)).json.nextExpectedRanges).toEqual([]);
        expect(h.api.readContent(world.libraryId, item.id).toString()).toBe('v1');
        // A session created without If-Match never meets it.
        h.api.addUploadFault({ kind: 'spurious412', count: 1, on: ['lastFragment'] });
        const plain = await session('/tail.bin');
        expect((await put(plain, payload(10), 0, 10)).status).toBe(200);
    });

    it('strikes at a seeded rate, and never without an If-Match', async () => {
        h.api.setChaos({ ...quiet, content: { spurious412: 1 } });
        const item = h.api.putFile(world.libraryId, '/always.txt', 'x');
        const withTag = await h.request('PATCH', `${lib()}/items/${item.id}`, {
            token: alice,
            headers: { 'if-match': item.eTag },
            body: { description: 'd' },
        });
        expect(withTag.status).toBe(412);
        const without = await h.request('PATCH', `${lib()}/items/${item.id}`, {
            token: alice,
            body: { description: 'd' },
        });
        expect(without.status).toBe(200);
        h.api.setChaos(undefined);
        const after = await h.request('PATCH', `${lib()}/items/${item.id}`, {
            token: alice,
            headers: { 'if-match': without.json.eTag },
            body: { description: 'e' },
        });
        expect(after.status).toBe(200);
    });
});

describe('AIP-protected files download with another size and hash than listed', () => {
    interface Listed {
        size: number;
        file: { hashes: { quickXorHash: string } };
        '@microsoft.graph.downloadUrl': string;
    }
    async function download(
        driveId: string,
        itemId: string,
    ): Promise<{ listed: Listed; served: Buffer; range: string }> {
        const listed = (await h.request('GET', `/v1.0/drives/${driveId}/items/${itemId}`, { token: alice }))
            .json as Listed;
        const res = await fetch(listed['@microsoft.graph.downloadUrl'], { headers: { range: 'bytes=0-3' } });
        await res.arrayBuffer();
        const whole = await fetch(listed['@microsoft.graph.downloadUrl']);
        return {
            listed,
            served: Buffer.from(await whole.arrayBuffer()),
            range: res.headers.get('content-range') ?? '',
        };
    }

    it('is off by default; when on, Office/PDF files on Business drives serve a protected container', async () => {
        const doc = h.api.putFile(world.oneDriveId, '/secret.docx', payload(3000));
        const off = await download(world.oneDriveId, doc.id);
        expect(quickXorHash(off.served)).toBe(off.listed.file.hashes.quickXorHash);

        h.api.setChaos({ ...quiet, content: { aipProtected: 1 } });
        const on = await download(world.oneDriveId, doc.id);
        expect(on.served.length).not.toBe(on.listed.size);
        expect(quickXorHash(on.served)).not.toBe(on.listed.file.hashes.quickXorHash);
        expect(on.range).toBe(`bytes 0-3/${on.served.length}`);
        // Graph's listing still shows the original.
        expect(on.listed.size).toBe(h.api.getItem(world.oneDriveId, doc.id)!.size);

        const text = h.api.putFile(world.oneDriveId, '/notes.txt', 'plain');
        const t = await download(world.oneDriveId, text.id);
        expect(t.served.toString()).toBe('plain');
        const personal = h.api.createOneDrive(TENANT, 'u-bob', { driveType: 'personal' });
        const bob = h.userToken('u-bob');
        const p = h.api.putFile(personal.id, '/home.docx', payload(100));
        const listed = (await h.request('GET', `/v1.0/drives/${personal.id}/items/${p.id}`, { token: bob })).json;
        const served = Buffer.from(await (await fetch(listed['@microsoft.graph.downloadUrl'])).arrayBuffer());
        expect(served.length).toBe(listed.size);
        expect(h.api.counters().quirks.aipDownloads).toBeGreaterThanOrEqual(2);
    });
});

describe('enrichment (SharePoint rewrites Office/PDF/JPEG files after upload)', () => {
    it('is on by default for OneDrive for Business as well as document libraries, never for personal drives', async () => {
        const sent = payload(4000);
        for (const driveId of [world.libraryId, world.oneDriveId]) {
            const res = await h.request('PUT', `/v1.0/drives/${driveId}/root:/photo.jpg:/content`, {
                token: alice,
                body: sent,
            });
            expect(res.status).toBe(201);
            expect(res.json.size).not.toBe(sent.length);
            expect(res.json.file.hashes.quickXorHash).toBe(quickXorHash(h.api.readContent(driveId, res.json.id)));
        }
        const personal = h.api.createOneDrive(TENANT, 'u-bob', { driveType: 'personal' });
        const res = await h.request('PUT', `/v1.0/drives/${personal.id}/root:/photo.jpg:/content`, {
            token: h.userToken('u-bob'),
            body: sent,
        });
        expect(res.json.size).toBe(sent.length);
    });

    it('grows some files and shrinks others (msgraph-sdk-dotnet issue 1222), decided per file version by the seed', async () => {
        const sizes: number[] = [];
        for (let i = 0; i < 24; i++) sizes.push(h.api.putFile(world.oneDriveId, `/d${i}.docx`, payload(1000, i)).size);
        expect(sizes.filter((s) => s === 1012).length).toBeGreaterThan(0);
        expect(sizes.filter((s) => s === 989).length).toBeGreaterThan(0);
        expect(sizes.every((s) => s === 1012 || s === 989)).toBe(true);
        h.api.setOptions({ enrichment: { shrinkShare: 0 } });
        expect(h.api.putFile(world.oneDriveId, '/grow.pdf', payload(1000)).size).toBe(1012);
    });

    it('can land after the upload response (timing afterResponse): the response shows what was sent', async () => {
        h.api.setOptions({ enrichment: { timing: 'afterResponse', shrinkShare: 0 } });
        const sent = payload(KIB320 + 5);
        const url = await session('/late.pptx');
        const done = await put(url, sent, 0, sent.length);
        expect(done.status).toBe(201);
        expect(done.json.size).toBe(sent.length);
        expect(done.json.file.hashes.quickXorHash).toBe(quickXorHash(sent));
        await new Promise((resolve) => setImmediate(resolve));
        const later = h.api.getItem(world.libraryId, '/late.pptx')!;
        expect(later.size).toBe(sent.length + 12);
        expect(later.cTag).not.toBe(done.json.cTag);
    });
});

describe('download redirects', () => {
    it('answers 302 to the configured origin first, then serves on that hop', async () => {
        const item = h.api.putFile(world.libraryId, '/hop.txt', 'hop');
        h.api.setOptions({ download: { redirectOrigin: 'https://127.0.0.1:9' } });
        const listed = (await h.request('GET', `${lib()}/items/${item.id}`, { token: alice })).json;
        const first = await fetch(listed['@microsoft.graph.downloadUrl'], { redirect: 'manual' });
        expect(first.status).toBe(302);
        const location = new URL(first.headers.get('location')!);
        expect(location.origin).toBe('https://127.0.0.1:9');
        expect(location.searchParams.get('hop')).toBe('1');
        const onHop = await fetch(`${h.baseUrl}${location.pathname}${location.search}`);
        expect(await onHop.text()).toBe('hop');
    });
});
