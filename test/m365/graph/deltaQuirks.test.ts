import { basicWorld, startHarness, type GraphResponse, type Harness } from './support/harness';

/**
 * The simulator's delta against what real tenants do (reference/m365-quirks.md, entries 4–8): 410s
 * without a Location or with one that fails, tombstones that never come, OneNote notebooks as
 * packages, files without hashes, and shortcuts whose content delta does not list.
 */
let h: Harness;
let world: ReturnType<typeof basicWorld>;
let alice: string;
const lib = (): string => `/v1.0/drives/${world.libraryId}`;
const od = (): string => `/v1.0/drives/${world.oneDriveId}`;

beforeEach(async () => {
    h = await startHarness();
    world = basicWorld(h);
    alice = h.userToken('u-alice');
});
afterEach(() => h.close());

type Item = Record<string, unknown> & { id: string; name?: string };

async function drain(start: string): Promise<{ items: Item[]; deltaLink: string }> {
    const items: Item[] = [];
    let url: string | undefined = start;
    for (;;) {
        const res: GraphResponse = await h.request('GET', url as string, { token: alice });
        expect(res.status).toBe(200);
        items.push(...res.json.value);
        if (res.json['@odata.deltaLink']) return { items, deltaLink: res.json['@odata.deltaLink'] };
        url = res.json['@odata.nextLink'];
    }
}

describe('410 Gone as the field sees it', () => {
    it('answers a plain resyncRequired: no Location, innerError with only date and request-id (onedrive-api-docs#1356)', async () => {
        const first = await drain(`${lib()}/root/delta`);
        h.api.expireDeltaTokens(world.libraryId, 'resyncRequired', 'absent');
        const res = await h.request('GET', first.deltaLink, { token: alice });
        expect(res.status).toBe(410);
        expect(res.headers.get('location')).toBeNull();
        expect(res.json.error.code).toBe('resyncRequired');
        expect(res.json.error.message).toMatch(/^Resync required\. Replace any local items/);
        expect(Object.keys(res.json.error.innerError).sort()).toEqual(['date', 'request-id']);
        expect(res.json.error.innerError['request-id']).toBe(res.headers.get('request-id'));
        // A fresh enumeration without a token is the way out.
        expect((await drain(`${lib()}/root/delta`)).items.length).toBeGreaterThan(0);
    });

    it('can hand out a Location that keeps failing with 500 (onedrive-api-docs#249)', async () => {
        const first = await drain(`${lib()}/root/delta`);
        h.api.expireDeltaTokens(world.libraryId, 'resyncRequired', 'fails');
        const location = (await h.request('GET', first.deltaLink, { token: alice })).headers.get('location') as string;
        expect(location).toContain('token=');
        for (let i = 0; i < 2; i++) expect((await h.request('GET', location, { token: alice })).status).toBe(500);
    });

    it('injects 410s at a seeded rate on deltaLink calls, plain or with a failing Location', async () => {
        h.api.putFile(world.libraryId, '/a.txt', 'a');
        const outcomes = async (seed: string): Promise<string[]> => {
            const seen: string[] = [];
            for (let i = 0; i < 24; i++) {
                h.api.setDeltaQuirks(undefined);
                const { deltaLink } = await drain(`${lib()}/root/delta`);
                h.api.setDeltaQuirks({
                    seed: `${seed}-${i}`,
                    resyncRate: 0.5,
                    plainResyncRate: 0.5,
                    locationFailRate: 0.5,
                });
                const res = await h.request('GET', deltaLink, { token: alice });
                if (res.status === 200) seen.push('ok');
                else if (!res.headers.get('location')) seen.push('plain');
                else
                    seen.push(
                        (await h.request('GET', res.headers.get('location') as string, { token: alice })).status === 500
                            ? 'failing'
                            : 'location',
                    );
            }
            return seen;
        };
        const a = await outcomes('s1');
        expect(await outcomes('s1')).toEqual(a);
        expect(new Set(a)).toEqual(new Set(['ok', 'plain', 'failing', 'location']));
        h.api.clearFaults();
        const { deltaLink } = await drain(`${lib()}/root/delta`);
        expect((await h.request('GET', deltaLink, { token: alice })).status).toBe(200);
    });
});

describe('tombstones that never come (onedrive-api-docs#1927, microsoft-graph-docs-contrib#8794)', () => {
    it('a delete can go unreported, for an item and everything under it', async () => {
        h.api.putFile(world.libraryId, '/keep.txt', 'k');
        h.api.putFile(world.libraryId, '/gone/inner.txt', 'i');
        h.api.putFile(world.libraryId, '/reported.txt', 'r');
        const first = await drain(`${lib()}/root/delta`);
        h.api.removeWithoutTombstone(world.libraryId, '/gone');
        h.api.remove(world.libraryId, '/reported.txt');
        const next = await drain(first.deltaLink);
        expect(next.items.filter((i) => i.deleted).length).toBe(1);
        expect(next.items.some((i) => i.name === 'gone' || i.name === 'inner.txt')).toBe(false);
        // Gone all the same: a fresh enumeration no longer lists it.
        const fresh = await drain(`${lib()}/root/delta`);
        expect(fresh.items.map((i) => i.name).sort()).toEqual(['keep.txt', 'root']);
    });

    it('a folder deleted and recreated while a client pages shows only the new id', async () => {
        for (let i = 0; i < 6; i++) h.api.putFile(world.libraryId, `/A/f${i}.txt`, `${i}`);
        h.api.putFile(world.libraryId, '/Z/last.txt', 'z');
        const oldId = h.api.getItem(world.libraryId, '/A')!.id;
        h.api.setOptions({ delta: { pageSize: 3 } });
        h.api.setDeltaQuirks({ seed: 'recreate', dropTombstoneRate: 1 });
        const page1 = await h.request('GET', `${lib()}/root/delta`, { token: alice });
        h.api.remove(world.libraryId, '/A');
        const newId = h.api.mkdirp(world.libraryId, '/A').id;
        const rest = await drain(page1.json['@odata.nextLink']);
        const all: Item[] = [...page1.json.value, ...rest.items];
        const ids = new Set(all.map((i) => i.id));
        expect(ids.has(newId)).toBe(true);
        expect(all.filter((i) => i.id === oldId && i.deleted)).toEqual([]);
        expect(all.some((i) => i.deleted)).toBe(false);
    });

    it('drops tombstones at a seeded rate, the same way for the same seed', async () => {
        const run = async (): Promise<number> => {
            for (let i = 0; i < 20; i++) h.api.putFile(world.libraryId, `/r/f${i}.txt`, `${i}`);
            const first = await drain(`${lib()}/root/delta`);
            h.api.setDeltaQuirks({ seed: 'rate', dropTombstoneRate: 0.5 });
            for (let i = 0; i < 20; i++) h.api.remove(world.libraryId, `/r/f${i}.txt`);
            h.api.setDeltaQuirks(undefined);
            return (await drain(first.deltaLink)).items.filter((i) => i.deleted).length;
        };
        const reported = await run();
        expect(reported).toBeGreaterThan(2);
        expect(reported).toBeLessThan(18);
        expect(await run()).toBe(reported);
    });
});

describe('items that are not plain files and folders', () => {
    it('lists a OneNote notebook as a package with its internals, .one files without hashes', async () => {
        const notebook = h.api.createNotebook(world.libraryId, '/Team/Notes', { sections: ['Meetings', 'Ideas'] });
        expect(notebook.packageType).toBe('oneNote');
        const { items } = await drain(`${lib()}/root/delta`);
        const pkg = items.find((i) => i.id === notebook.id)!;
        expect(pkg.package).toEqual({ type: 'oneNote' });
        expect(pkg.folder).toBeUndefined();
        expect(pkg.file).toBeUndefined();
        const inside = items.filter((i) => (i.parentReference as { id?: string }).id === notebook.id);
        expect(inside.map((i) => i.name).sort()).toEqual([
            'Ideas.one',
            'Meetings.one',
            'OneNote_RecycleBin',
            'Open Notebook.onetoc2',
        ]);
        const section = inside.find((i) => i.name === 'Meetings.one')!;
        expect(section.file).toEqual({ mimeType: 'application/msonenote' });
        expect(inside.find((i) => i.name === 'Open Notebook.onetoc2')!.file).toEqual({
            mimeType: 'application/octet-stream',
        });
        const bin = inside.find((i) => i.name === 'OneNote_RecycleBin')!;
        expect(bin.folder).toBeDefined();
        expect(items.find((i) => (i.parentReference as { id?: string }).id === bin.id)?.name).toBe(
            'OneNote_DeletedPages.one',
        );
    });

    it('can list any file without hashes', async () => {
        h.api.putFile(world.libraryId, '/odd.bin', 'odd');
        h.api.setHashless(world.libraryId, '/odd.bin', true);
        const res = await h.request('GET', `${lib()}/root:/odd.bin`, { token: alice });
        expect(res.json.file).toEqual({ mimeType: 'application/octet-stream' });
        expect(res.json.cTag).toMatch(/^"c:/);
    });

    it('lists a shortcut with remoteItem and no folder facet, and nothing inside it (driveitem_delta remarks)', async () => {
        h.api.putFile(world.libraryId, '/Shared/plan.txt', 'plan');
        const shortcut = h.api.addShortcut(world.oneDriveId, { driveId: world.libraryId, pathOrId: '/Shared' });
        expect(shortcut.shortcutTo).toEqual({
            driveId: world.libraryId,
            id: h.api.getItem(world.libraryId, '/Shared')!.id,
        });
        const { items } = await drain(`${od()}/root/delta`);
        const listed = items.find((i) => i.id === shortcut.id)!;
        expect(listed.name).toBe('Shared');
        expect(listed.folder).toBeUndefined();
        expect(listed.file).toBeUndefined();
        expect(listed.remoteItem).toMatchObject({
            id: shortcut.shortcutTo!.id,
            parentReference: { driveId: world.libraryId, driveType: 'documentLibrary' },
            folder: {},
        });
        expect(items.some((i) => i.name === 'plan.txt')).toBe(false);
    });
});

describe('parentReference.path in delta', () => {
    it('is left out as documented, and on a business drive can be switched on as ODB sends it (onedrive-api-docs#298)', async () => {
        h.api.putFile(world.libraryId, '/docs/deep/child.txt', 'c');
        const childOf = (items: Item[]) => items.find((i) => i.name === 'child.txt') as Item;
        const documented = childOf((await drain(`${lib()}/root/delta`)).items);
        expect(documented.parentReference).not.toHaveProperty('path');

        h.api.setOptions({ delta: { parentPathOnBusiness: true } });
        const field = childOf((await drain(`${lib()}/root/delta`)).items);
        expect((field.parentReference as { path: string }).path).toMatch(/\/root:\/docs\/deep$/);
    });
});
