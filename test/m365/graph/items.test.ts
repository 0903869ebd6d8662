import { OTHER_TENANT, TENANT, APP_ID, basicWorld, startHarness, type Harness } from './support/harness';

let h: Harness;
let world: ReturnType<typeof basicWorld>;
let alice: string;

beforeEach(async () => {
    h = await startHarness();
    world = basicWorld(h);
    alice = h.userToken('u-alice');
});
afterEach(() => h.close());

describe('drives and sites', () => {
    it('serves /me, /me/drive, /users/{upn}/drive and the site lookups', async () => {
        const me = await h.request('GET', '/v1.0/me', { token: alice });
        expect(me.status).toBe(200);
        expect(me.json).toMatchObject({
            id: 'u-alice',
            userPrincipalName: 'alice@contoso.onmicrosoft.com',
            displayName: 'Alice Adams',
        });
        const drive = await h.request('GET', '/v1.0/me/drive', { token: alice });
        expect(drive.json).toMatchObject({
            id: world.oneDriveId,
            driveType: 'business',
            owner: { user: { id: 'u-alice' } },
        });
        expect(drive.json['@odata.context']).toContain('$metadata#drives/$entity');
        const byUpn = await h.request('GET', '/v1.0/users/alice@contoso.onmicrosoft.com/drive', { token: alice });
        expect(byUpn.json.id).toBe(world.oneDriveId);

        const search = await h.request('GET', '/v1.0/sites?search=intra', { token: alice });
        expect(search.json.value.map((s: { id: string }) => s.id)).toEqual([world.siteId]);
        const site = await h.request('GET', `/v1.0/sites/${world.siteId}`, { token: alice });
        expect(site.json).toMatchObject({
            displayName: 'Intranet',
            webUrl: 'https://contoso.sharepoint.com/sites/intranet',
            siteCollection: { hostname: 'contoso.sharepoint.com' },
        });
        const byPath = await h.request('GET', '/v1.0/sites/contoso.sharepoint.com:/sites/intranet', { token: alice });
        expect(byPath.json.id).toBe(world.siteId);
        const drives = await h.request('GET', `/v1.0/sites/${world.siteId}/drives`, { token: alice });
        expect(drives.json.value).toEqual([
            expect.objectContaining({ id: world.libraryId, driveType: 'documentLibrary', name: 'Documents' }),
        ]);
        const siteDrive = await h.request('GET', `/v1.0/sites/${world.siteId}/drive/root`, { token: alice });
        expect(siteDrive.json).toMatchObject({
            root: {},
            parentReference: { driveId: world.libraryId, driveType: 'documentLibrary' },
        });
    });

    it('answers 401 InvalidAuthenticationToken with the Graph error shape and request ids', async () => {
        const res = await h.request('GET', '/v1.0/me/drive', { headers: { 'client-request-id': 'abc-123' } });
        expect(res.status).toBe(401);
        expect(res.json.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
        expect(res.json.error.innerError).toEqual({
            date: expect.stringMatching(/Z$/),
            'request-id': res.headers.get('request-id'),
            'client-request-id': 'abc-123',
        });
        expect(res.headers.get('client-request-id')).toBe('abc-123');
        const expiredToken = h.principal('expired', {
            userId: 'u-alice',
            scopes: ['Files.ReadWrite.All'],
            expiresAt: h.clock.now() - 1,
        });
        const expired = await h.request('GET', '/v1.0/me/drive', { token: expiredToken });
        expect(expired.status).toBe(401);
        expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token".*expired/);
    });
});

describe('access control', () => {
    it('limits delegated users to their OneDrive and the sites they belong to', async () => {
        const bob = h.userToken('u-bob');
        expect((await h.request('GET', `/v1.0/drives/${world.oneDriveId}/root`, { token: bob })).status).toBe(403);
        expect((await h.request('GET', `/v1.0/drives/${world.libraryId}/root/children`, { token: bob })).status).toBe(
            200,
        );
        const write = await h.request('POST', `/v1.0/drives/${world.libraryId}/root/children`, {
            token: bob,
            body: { name: 'X', folder: {} },
        });
        expect(write.status).toBe(403);
        expect(write.json.error.code).toBe('accessDenied');
        const eve = h.userToken('u-eve');
        expect((await h.request('GET', `/v1.0/drives/${world.libraryId}`, { token: eve })).status).toBe(404);
        const noScopes = h.userToken('u-alice', ['User.Read']);
        expect((await h.request('GET', `/v1.0/drives/${world.libraryId}/root`, { token: noScopes })).status).toBe(403);
        expect(
            (await h.request('GET', '/v1.0/sites?search=*', { token: h.userToken('u-alice', ['Files.Read']) })).status,
        ).toBe(403);
    });

    it('limits Sites.Selected apps to granted sites, and rejects /me for app tokens', async () => {
        const app = h.principal('app', { kind: 'application', roles: ['Sites.Selected'], scopes: [] });
        expect((await h.request('GET', `/v1.0/drives/${world.libraryId}/root`, { token: app })).status).toBe(403);
        h.api.grantSiteToApp(world.siteId, APP_ID, 'read');
        expect((await h.request('GET', `/v1.0/drives/${world.libraryId}/root`, { token: app })).status).toBe(200);
        expect(
            (
                await h.request('POST', `/v1.0/drives/${world.libraryId}/root/children`, {
                    token: app,
                    body: { name: 'A', folder: {} },
                })
            ).status,
        ).toBe(403);
        h.api.grantSiteToApp(world.siteId, APP_ID, 'write');
        expect(
            (
                await h.request('POST', `/v1.0/drives/${world.libraryId}/root/children`, {
                    token: app,
                    body: { name: 'A', folder: {} },
                })
            ).status,
        ).toBe(201);
        expect((await h.request('GET', `/v1.0/drives/${world.oneDriveId}/root`, { token: app })).status).toBe(403);
        const me = await h.request('GET', '/v1.0/me', { token: app });
        expect(me.status).toBe(400);
        const all = h.principal('all', { kind: 'application', roles: ['Files.ReadWrite.All'] });
        expect((await h.request('GET', `/v1.0/drives/${world.oneDriveId}/root`, { token: all })).status).toBe(200);
        const foreign = h.principal('foreign', {
            kind: 'application',
            roles: ['Files.ReadWrite.All'],
            tenantId: OTHER_TENANT,
        });
        expect((await h.request('GET', `/v1.0/drives/${world.oneDriveId}/root`, { token: foreign })).status).toBe(404);
        expect(TENANT).not.toBe(OTHER_TENANT);
    });
});

describe('items', () => {
    const lib = (): string => `/v1.0/drives/${world.libraryId}`;

    it('creates folders with conflictBehavior, addresses items by path and id', async () => {
        const created = await h.request('POST', `${lib()}/root/children`, {
            token: alice,
            body: { name: 'Reports', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
        });
        expect(created.status).toBe(201);
        expect(created.json).toMatchObject({
            name: 'Reports',
            folder: { childCount: 0 },
            parentReference: {
                driveId: world.libraryId,
                driveType: 'documentLibrary',
                path: `/drives/${world.libraryId}/root:`,
            },
        });
        expect(created.json.eTag).toMatch(/^"\{[0-9A-F-]{36}\},\d+"$/);
        expect(created.json.cTag).toBeUndefined(); // business folders carry no cTag
        const clash = await h.request('POST', `${lib()}/root/children`, {
            token: alice,
            body: { name: 'reports', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
        });
        expect(clash.status).toBe(409);
        expect(clash.json.error.code).toBe('nameAlreadyExists');
        const renamed = await h.request('POST', `${lib()}/root/children`, {
            token: alice,
            body: { name: 'Reports', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' },
        });
        expect(renamed.json.name).toBe('Reports 1');

        h.api.putFile(world.libraryId, '/Reports/Q1/summary.txt', 'hello');
        const byPath = await h.request('GET', `${lib()}/root:/Reports/Q1/summary.txt:`, { token: alice });
        expect(byPath.status).toBe(200);
        expect(byPath.json).toMatchObject({
            name: 'summary.txt',
            size: 5,
            file: { mimeType: 'text/plain', hashes: { quickXorHash: expect.any(String) } },
        });
        expect(byPath.json.file.hashes.sha256Hash).toBeUndefined();
        expect(byPath.json.cTag).toMatch(/^"c:\{/);
        expect(byPath.json['@microsoft.graph.downloadUrl']).toContain('/_layouts/15/download.aspx');
        expect(byPath.json.parentReference.path).toBe(`/drives/${world.libraryId}/root:/Reports/Q1`);
        const relative = await h.request('GET', `${lib()}/items/${created.json.id}:/Q1/summary.txt:`, { token: alice });
        expect(relative.json.id).toBe(byPath.json.id);
        const byId = await h.request('GET', `${lib()}/items/${byPath.json.id}?$select=id,name`, { token: alice });
        expect(Object.keys(byId.json).sort()).toEqual(['@odata.context', 'id', 'name']);
        expect((await h.request('GET', `${lib()}/root:/nope.txt:`, { token: alice })).status).toBe(404);
        expect(h.observed.length).toBeGreaterThan(5);
    });

    it('enforces SharePoint naming rules with invalidPath and pathIsTooLong', async () => {
        for (const name of ['a:b', 'bad?', 'trailing.', ' lead', 'CON', '~$lock.docx', 'x_vti_y', 'desktop.ini']) {
            const res = await h.request('POST', `${lib()}/root/children`, { token: alice, body: { name, folder: {} } });
            expect([name, res.status, res.json.error.code, res.json.error.innerError.code]).toEqual([
                name,
                400,
                'invalidRequest',
                'invalidPath',
            ]);
        }
        const forms = await h.request('POST', `${lib()}/root/children`, {
            token: alice,
            body: { name: 'Forms', folder: {} },
        });
        expect(forms.status).toBe(400);
        const deep = 'd'.repeat(200);
        h.api.mkdirp(world.libraryId, `/${deep}`);
        const tooLong = await h.request('PUT', `${lib()}/root:/${deep}/${'f'.repeat(199)}.txt:/content`, {
            token: alice,
            body: 'x',
        });
        expect(tooLong.status).toBe(400);
        expect(tooLong.json.error.innerError.code).toBe('pathIsTooLong');
    });

    it('pages children with $top and @odata.nextLink', async () => {
        for (let i = 0; i < 7; i++) h.api.putFile(world.libraryId, `/many/f${i}.txt`, `${i}`);
        const names: string[] = [];
        let next: string | undefined = `${lib()}/root:/many:/children?$top=3`;
        let pages = 0;
        while (next) {
            const page = await h.request('GET', next, { token: alice });
            expect(page.status).toBe(200);
            names.push(...page.json.value.map((v: { name: string }) => v.name));
            next = page.json['@odata.nextLink'];
            pages++;
        }
        expect(pages).toBe(3);
        expect(names).toEqual(['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);
    });

    it('renames and moves with If-Match, keeps cTag on metadata edits, rejects cross-drive moves', async () => {
        const file = h.api.putFile(world.libraryId, '/a/doc.txt', 'content');
        const target = h.api.mkdirp(world.libraryId, '/b');
        const before = await h.request('GET', `${lib()}/items/${file.id}`, { token: alice });
        const stale = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': '"{00000000-0000-0000-0000-000000000000},1"' },
            body: { name: 'x.txt' },
        });
        expect(stale.status).toBe(412);
        expect(stale.json.error).toMatchObject({
            code: 'resourceModified',
            innerError: { code: 'entityTagDoesNotMatch' },
        });
        const malformed = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': 'unquoted' },
            body: { name: 'x.txt' },
        });
        expect(malformed.json.error.innerError.code).toBe('malformedEntityTag');
        const moved = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': before.json.eTag },
            body: { name: 'moved.txt', parentReference: { id: target.id } },
        });
        expect(moved.status).toBe(200);
        expect(moved.json).toMatchObject({
            id: file.id,
            name: 'moved.txt',
            parentReference: { id: target.id, path: `/drives/${world.libraryId}/root:/b` },
        });
        expect(moved.json.eTag).not.toBe(before.json.eTag);
        expect(moved.json.cTag).toBe(before.json.cTag);
        const byCTag = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': before.json.cTag },
            body: { name: 'again.txt' },
        });
        expect(byCTag.status).toBe(200);
        const root = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            body: { parentReference: { id: 'root' } },
        });
        expect(root.status).toBe(400);
        const cross = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            body: { parentReference: { driveId: world.oneDriveId, id: 'x' } },
        });
        expect(cross.status).toBe(400);
        h.api.putFile(world.libraryId, '/b/taken.txt', 't');
        const clash = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            body: { name: 'TAKEN.txt' },
        });
        expect(clash.status).toBe(409);
    });

    it('adds a version when fileSystemInfo is patched on a business drive', async () => {
        const file = h.api.putFile(world.libraryId, '/v.txt', 'v');
        expect(file.versions).toBe(1);
        const res = await h.request('PATCH', `${lib()}/items/${file.id}`, {
            token: alice,
            body: { fileSystemInfo: { lastModifiedDateTime: '2020-01-02T03:04:05.678Z' } },
        });
        expect(res.json.fileSystemInfo.lastModifiedDateTime).toBe('2020-01-02T03:04:05Z');
        expect(h.api.getItem(world.libraryId, file.id)?.versions).toBe(2);
    });

    it('deletes to the recycle bin with If-Match, 423 when checked out, 403 under a retention hold', async () => {
        const file = h.api.putFile(world.libraryId, '/del/x.txt', 'x');
        const stale = await h.request('DELETE', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': '"{0},1"' },
        });
        expect(stale.status).toBe(412);
        h.api.setCheckedOut(world.libraryId, file.id, true);
        expect((await h.request('DELETE', `${lib()}/items/${file.id}`, { token: alice })).status).toBe(423);
        h.api.setCheckedOut(world.libraryId, file.id, false);
        h.api.setRetentionHold(world.libraryId, '/del', true);
        const folder = h.api.getItem(world.libraryId, '/del');
        expect((await h.request('DELETE', `${lib()}/items/${folder?.id}`, { token: alice })).status).toBe(403);
        const ok = await h.request('DELETE', `${lib()}/items/${file.id}`, {
            token: alice,
            headers: { 'if-match': file.eTag },
        });
        expect(ok.status).toBe(204);
        expect((await h.request('GET', `${lib()}/items/${file.id}`, { token: alice })).status).toBe(404);
        expect(h.api.getItem(world.libraryId, file.id)?.deleted).toBe(true);
    });
});
