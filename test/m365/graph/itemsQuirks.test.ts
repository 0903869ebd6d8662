import { basicWorld, startHarness, type Harness } from './support/harness';

/**
 * Items and paths as Microsoft's service handles them (reference/m365-quirks.md entry 9, issue 15):
 * the 400-character limit counts the decoded server-relative path, site and library included; a
 * simple upload to a path creates the missing folders; a Business drive's root has a cTag.
 */
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

describe('the 400-character path limit', () => {
    it('counts the decoded server-relative path: site and library part included', async () => {
        // The library's root is `/sites/intranet/Shared Documents` (32 characters, `%20` counts as one).
        const library = await h.request('GET', lib(), { token: alice });
        const root = decodeURIComponent(new URL(library.json.webUrl).pathname);
        expect(root).toBe('/sites/intranet/Shared Documents');
        const folder = 'd'.repeat(200);
        h.api.mkdirp(world.libraryId, `/${folder}`);
        // root + '/' + folder + '/' + name: 399 characters pass, 400 do not.
        const nameFor = (total: number): string => 'n'.repeat(total - root.length - 1 - folder.length - 1 - 4) + '.txt';
        const fits = await h.request('PUT', `${lib()}/root:/${folder}/${nameFor(399)}:/content`, {
            token: alice,
            body: 'x',
        });
        expect(fits.status).toBe(201);
        const tooLong = await h.request('PUT', `${lib()}/root:/${folder}/${nameFor(400)}:/content`, {
            token: alice,
            body: 'x',
        });
        expect(tooLong.status).toBe(400);
        expect(tooLong.json.error).toMatchObject({ code: 'invalidRequest', innerError: { code: 'pathIsTooLong' } });
        // A rename that would cross the limit is refused the same way.
        const renamed = await h.request('PATCH', `${lib()}/root:/${folder}/${nameFor(399)}`, {
            token: alice,
            body: { name: nameFor(401) },
        });
        expect(renamed.status).toBe(400);
        expect(renamed.json.error.innerError.code).toBe('pathIsTooLong');
    });
});

describe('path-based simple upload', () => {
    it('creates the missing parent folders (onedrive-api-docs#83); an upload session still needs them', async () => {
        const put = await h.request('PUT', `${lib()}/root:/FolderA/Sub/FileB.txt:/content`, {
            token: alice,
            body: 'The contents of the file goes here.',
        });
        expect(put.status).toBe(201);
        expect(put.json).toMatchObject({ name: 'FileB.txt', size: 35, file: {} });
        expect(h.api.getItem(world.libraryId, '/FolderA/Sub')?.isFolder).toBe(true);
        expect(h.api.readContent(world.libraryId, '/FolderA/Sub/FileB.txt').toString()).toBe(
            'The contents of the file goes here.',
        );
        // Item id + path addressing creates them too (the bug #83 reported was fixed).
        const base = h.api.getItem(world.libraryId, '/FolderA')!.id;
        const byId = await h.request('PUT', `${lib()}/items/${base}:/x/y.txt:/content`, { token: alice, body: 'y' });
        expect(byId.status).toBe(201);
        expect(h.api.getItem(world.libraryId, '/FolderA/x/y.txt')).toBeDefined();
        // A file in the way of a folder is a conflict.
        const blocked = await h.request('PUT', `${lib()}/root:/FolderA/Sub/FileB.txt/z.txt:/content`, {
            token: alice,
            body: 'z',
        });
        expect(blocked.status).toBe(409);
        const session = await h.request('POST', `${lib()}/root:/Missing/big.bin:/createUploadSession`, {
            token: alice,
            body: { item: { '@microsoft.graph.conflictBehavior': 'fail' } },
        });
        expect(session.status).toBe(404);
        expect(h.api.getItem(world.libraryId, '/Missing')).toBeUndefined();
    });
});

describe('the root of a Business drive', () => {
    it('has a cTag on GET (Graph docs example), none in delta, and folders below it have none', async () => {
        h.api.mkdirp(world.oneDriveId, '/Folder');
        const root = await h.request('GET', '/v1.0/me/drive/root', { token: alice });
        expect(root.json.cTag).toMatch(/^"c:\{[0-9A-F-]+\},\d+"$/);
        const folder = await h.request('GET', '/v1.0/me/drive/root:/Folder', { token: alice });
        expect(folder.json.cTag).toBeUndefined();
        const delta = await h.request('GET', '/v1.0/me/drive/root/delta', { token: alice });
        expect(delta.json.value.find((i: { root?: object }) => i.root).cTag).toBeUndefined();
    });
});
