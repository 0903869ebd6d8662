import { quickXorHash } from '../../../lib/hash/quickxorhash';
import { basicWorld, startHarness, type Harness } from './support/harness';

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

describe('download', () => {
    it('redirects to a pre-authenticated URL that serves Range requests and expires', async () => {
        const bytes = Buffer.from('0123456789'.repeat(205));
        const file = h.api.putFile(world.libraryId, '/d/data.bin', bytes);
        const redirect = await h.request('GET', `${lib()}/items/${file.id}/content`, { token: alice });
        expect(redirect.status).toBe(302);
        const location = redirect.headers.get('location') as string;
        expect(location.startsWith(h.baseUrl)).toBe(true);
        const whole = await h.request('GET', location);
        expect(whole.status).toBe(200);
        expect(whole.text).toBe(bytes.toString());
        const part = await h.request('GET', location, { headers: { range: 'bytes=0-1023' } });
        expect(part.status).toBe(206);
        expect(part.headers.get('content-range')).toBe(`bytes 0-1023/${bytes.length}`);
        expect(part.text).toBe(bytes.subarray(0, 1024).toString());
        const beyond = await h.request('GET', location, { headers: { range: `bytes=${bytes.length}-` } });
        expect(beyond.status).toBe(416);
        expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
        expect(h.api.counters().preauthAuthorization.download).toBe(0);

        h.api.setOptions({ download: { ignoreRange: true } });
        const ignored = await h.request('GET', location, { headers: { range: 'bytes=0-9' } });
        expect(ignored.status).toBe(200);
        expect(ignored.headers.get('content-range')).toBeNull();

        h.clock.advance(60 * 60 * 1000);
        const expired = await h.request('GET', location);
        expect(expired.status).toBe(401);
        expect(expired.json.error.innererror.code).toBe('expiredToken');
    });

    it('counts (and optionally rejects) a bearer token sent to the download URL', async () => {
        const file = h.api.putFile(world.libraryId, '/leak.txt', 'x');
        const location = (await h.request('GET', `${lib()}/items/${file.id}/content`, { token: alice })).headers.get(
            'location',
        ) as string;
        expect((await h.request('GET', location, { token: alice })).status).toBe(200);
        expect(h.api.counters().preauthAuthorization.download).toBe(1);
        h.api.setOptions({ download: { rejectAuthorization: true } });
        expect((await h.request('GET', location, { token: alice })).status).toBe(401);
        expect(h.api.counters().preauthAuthorization.download).toBe(2);
    });

    it('answers 304 on a matching If-None-Match and blocks malware with 403', async () => {
        const file = h.api.putFile(world.libraryId, '/m.txt', 'x');
        const notModified = await h.request('GET', `${lib()}/items/${file.id}/content`, {
            token: alice,
            headers: { 'if-none-match': file.cTag },
        });
        expect(notModified.status).toBe(304);
        h.api.setMalware(world.libraryId, file.id, 'Eicar-Test');
        const item = await h.request('GET', `${lib()}/items/${file.id}`, { token: alice });
        expect(item.json.malware).toEqual({ description: 'Eicar-Test' });
        const blocked = await h.request('GET', `${lib()}/items/${file.id}/content`, { token: alice });
        expect(blocked.status).toBe(403);
        expect(blocked.json.error.code).toBe('malwareDetected');
        expect(blocked.headers.get('x-virus-infected')).toBe('Eicar-Test');
    });

    it('can lie: listed size and hash differ from the bytes served', async () => {
        const file = h.api.putFile(world.libraryId, '/photo.png', 'real bytes');
        h.api.setLyingMetadata(world.libraryId, file.id, { size: 3, quickXorHash: quickXorHash(Buffer.from('abc')) });
        const listed = await h.request('GET', `${lib()}/items/${file.id}`, { token: alice });
        expect(listed.json.size).toBe(3);
        const served = await h.request('GET', listed.json['@microsoft.graph.downloadUrl']);
        expect(served.text).toBe('real bytes');
    });

    it('drops the connection mid-body when asked', async () => {
        const file = h.api.putFile(world.libraryId, '/big.bin', Buffer.alloc(256 * 1024, 7));
        const location = (await h.request('GET', `${lib()}/items/${file.id}/content`, { token: alice })).headers.get(
            'location',
        ) as string;
        h.api.addFault({ kind: 'drop', count: 1, path: 'download.aspx', when: 'midBody' });
        await expect(h.request('GET', location)).rejects.toThrow();
        expect((await h.request('GET', location)).text.length).toBe(256 * 1024);
    });
});

describe('simple upload', () => {
    it('creates (201), replaces (200), fails (409) or renames per conflictBehavior', async () => {
        // A path-based upload creates a missing parent (onedrive-api-docs#83; itemsQuirks.test.ts).
        const first = await h.request('PUT', `${lib()}/root:/up/new.txt:/content`, { token: alice, body: 'one' });
        expect(first.status).toBe(201);
        expect(first.json).toMatchObject({
            name: 'new.txt',
            size: 3,
            file: { hashes: { quickXorHash: quickXorHash(Buffer.from('one')) } },
        });
        const replaced = await h.request('PUT', `${lib()}/root:/up/new.txt:/content`, { token: alice, body: 'two!' });
        expect(replaced.status).toBe(200);
        expect(replaced.json.id).toBe(first.json.id);
        expect(replaced.json.cTag).not.toBe(first.json.cTag);
        const fail = await h.request(
            'PUT',
            `${lib()}/root:/up/new.txt:/content?@microsoft.graph.conflictBehavior=fail`,
            { token: alice, body: 'x' },
        );
        expect(fail.status).toBe(409);
        const renamed = await h.request(
            'PUT',
            `${lib()}/root:/up/new.txt:/content?@microsoft.graph.conflictBehavior=rename`,
            { token: alice, body: 'x' },
        );
        expect(renamed.json.name).toBe('new 1.txt');
        const byId = await h.request('PUT', `${lib()}/items/${first.json.id}/content`, { token: alice, body: '' });
        expect(byId.status).toBe(200);
        expect(byId.json.size).toBe(0);
        expect(h.api.getItem(world.libraryId, first.json.id)?.versions).toBe(3);
    });

    it('rejects bodies over the simple-upload limit with 413', async () => {
        h.api.setOptions({ simpleUploadLimitBytes: 4 * 1024 * 1024 });
        const res = await h.request('PUT', `${lib()}/root:/huge.bin:/content`, {
            token: alice,
            body: new Uint8Array(4 * 1024 * 1024 + 1),
        });
        expect(res.status).toBe(413);
    });

    it('enriches Office/PDF files on Business drives: new size, hash, eTag and cTag in the response', async () => {
        const sent = Buffer.from('PK fake docx bytes');
        const res = await h.request('PUT', `${lib()}/root:/report.docx:/content`, { token: alice, body: sent });
        expect(res.status).toBe(201);
        expect(res.json.size).toBe(sent.length + 12);
        expect(res.json.file.hashes.quickXorHash).not.toBe(quickXorHash(sent));
        const stored = h.api.readContent(world.libraryId, res.json.id);
        expect(res.json.file.hashes.quickXorHash).toBe(quickXorHash(stored));
        // OneDrive for Business is SharePoint too: enriched by default (contentQuirks.test.ts has more).
        const oneDrive = await h.request('PUT', `/v1.0/me/drive/root:/report.docx:/content`, {
            token: alice,
            body: sent,
        });
        expect(oneDrive.json.size).toBe(sent.length + 12);
        const text = await h.request('PUT', `${lib()}/root:/plain.txt:/content`, { token: alice, body: sent });
        expect(text.json.size).toBe(sent.length);
    });
});
