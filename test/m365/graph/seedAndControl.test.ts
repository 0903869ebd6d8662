import { oraclePath } from '../../../dev/m365/schema/oraclePaths';
import { readFileSync } from 'node:fs';
import { seedDemoContent } from '../../../dev/m365/graph';
import { TENANT, startHarness, users, type Harness } from './support/harness';

interface Mock {
    request: { url: string; method: string };
    response: { statusCode: number; body: Record<string, unknown> };
}
const mocks = (JSON.parse(readFileSync(oraclePath('graph/docs-mocks-v1.json'), 'utf8')) as { mocks: Mock[] }).mocks;
const mock = (method: string, suffix: string): Mock =>
    mocks.find((m) => m.request.method === method && m.request.url.endsWith(suffix)) as Mock;

let h: Harness;
beforeEach(async () => {
    h = await startHarness();
});
afterEach(() => h.close());

const tenantUsers = users.filter((u) => u.tenantId === TENANT);

describe('seedDemoContent', () => {
    it('builds the Intranet site, two libraries and a OneDrive per user, deterministically', async () => {
        const seeded = seedDemoContent(h.api, TENANT, tenantUsers);
        expect(seeded.fileCount).toBeGreaterThanOrEqual(200);
        const drives = h.api.listDrives(TENANT);
        expect(drives.map((d) => d.name).sort()).toEqual(['Documents', 'OneDrive', 'OneDrive', 'Policies']);
        const other = await startHarness();
        const again = seedDemoContent(other.api, TENANT, tenantUsers);
        expect(other.api.listTree(again.documentsDriveId).map((i) => [i.id, i.path, i.quickXorHash])).toEqual(
            h.api.listTree(seeded.documentsDriveId).map((i) => [i.id, i.path, i.quickXorHash]),
        );
        await other.close();
        const alice = h.userToken('u-alice');
        const search = await h.request('GET', '/v1.0/sites?search=Intranet', { token: alice });
        expect(search.json.value).toHaveLength(1);
    });
});

describe('control routes', () => {
    it('mirror the API over HTTP', async () => {
        const site = await h.request('POST', '/__control/graph/createSite', {
            body: { args: [{ tenantId: TENANT, name: 'Ops', members: { 'u-alice': 'write' } }] },
        });
        expect(site.status).toBe(200);
        const library = await h.request('POST', '/__control/graph/createLibrary', {
            body: { args: [site.json.result.id, 'Documents'] },
        });
        const put = await h.request('POST', '/__control/graph/putFile', {
            body: { args: [library.json.result.id, '/a/b.txt', { base64: Buffer.from('hi').toString('base64') }] },
        });
        expect(put.json.result).toMatchObject({ name: 'b.txt', path: '/a/b.txt', size: 2 });
        await h.request('POST', '/__control/graph/addFault', {
            body: { args: [{ kind: 'error', count: 1, status: 500 }] },
        });
        const alice = h.userToken('u-alice');
        expect(
            (await h.request('GET', `/v1.0/drives/${library.json.result.id}/root:/a/b.txt:`, { token: alice })).status,
        ).toBe(500);
        const counters = await h.request('GET', '/__control/graph/counters');
        expect(counters.json.result.injectedErrors).toBe(1);
        expect((await h.request('POST', '/__control/graph/nope', { body: { args: [] } })).status).toBe(404);
    });
});

describe("responses against Microsoft's documented examples (key subsets)", () => {
    it('drive, root item, subscription and delta pages carry the documented keys', async () => {
        const seeded = seedDemoContent(h.api, TENANT, tenantUsers);
        expect(seeded.oneDrives['u-alice']).toBeDefined();
        const alice = h.userToken('u-alice');
        const keysOf = (o: Record<string, unknown>): string[] => Object.keys(o).filter((k) => !k.startsWith('@'));
        const drive = await h.request('GET', '/v1.0/me/drive', { token: alice });
        expect(Object.keys(drive.json)).toEqual(expect.arrayContaining(keysOf(mock('GET', '/me/drive').response.body)));
        expect(Object.keys(drive.json.quota)).toEqual(
            expect.arrayContaining(Object.keys(mock('GET', '/me/drive').response.body.quota as object)),
        );
        const root = await h.request('GET', '/v1.0/me/drive/root', { token: alice });
        const documentedRoot = keysOf(mock('GET', '/me/drive/root').response.body).filter((k) => k !== 'cTag'); // business folders: no cTag (graph-sync.md 1.4)
        expect(Object.keys(root.json)).toEqual(expect.arrayContaining(documentedRoot));
        const delta = await h.request('GET', '/v1.0/me/drive/root/delta', { token: alice });
        expect(delta.json['@odata.deltaLink'] ?? delta.json['@odata.nextLink']).toBeDefined();
        expect(Object.keys(delta.json.value[1])).toEqual(expect.arrayContaining(['id', 'name']));
    });
});
