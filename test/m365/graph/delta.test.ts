import { Client, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { EMPTY_QUICK_XOR_HASH } from '../../../lib/hash/quickxorhash';
import { TENANT, basicWorld, startHarness, type GraphResponse, type Harness } from './support/harness';

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

interface Round {
    items: Record<string, unknown>[];
    pages: number;
    deltaLink: string;
}

/** Follows nextLinks to the deltaLink. */
async function drain(start: string): Promise<Round> {
    const items: Record<string, unknown>[] = [];
    let url: string | undefined = start;
    let pages = 0;
    for (;;) {
        const res: GraphResponse = await h.request('GET', url as string, { token: alice });
        expect(res.status).toBe(200);
        pages++;
        items.push(...res.json.value);
        if (res.json['@odata.deltaLink']) return { items, pages, deltaLink: res.json['@odata.deltaLink'] };
        url = res.json['@odata.nextLink'];
        expect(url).toBeDefined();
    }
}

/** Last occurrence wins. */
const latest = (items: Record<string, unknown>[]): Map<string, Record<string, unknown>> =>
    new Map(items.map((i) => [i.id as string, i]));

describe('delta', () => {
    it('enumerates everything in pages, parent before child, without parentReference.path or cTag', async () => {
        for (let i = 0; i < 12; i++) h.api.putFile(world.libraryId, `/f${i % 3}/sub/file${i}.txt`, `${i}`);
        h.api.setOptions({ delta: { pageSize: 5 } });
        const round = await drain(`${lib()}/root/delta`);
        expect(round.pages).toBe(Math.ceil((1 + 3 + 3 + 12) / 5));
        const seen = new Set<string>();
        for (const item of round.items) {
            const parent = (item.parentReference as { id?: string }).id;
            if (parent) expect(seen.has(parent)).toBe(true);
            seen.add(item.id as string);
            expect((item.parentReference as { path?: string }).path).toBeUndefined();
            expect(item.cTag).toBeUndefined();
        }
        expect(round.items[0].root).toEqual({});
        expect(round.deltaLink).toMatch(new RegExp(`^${h.baseUrl}/v1.0/drives/.+/root/delta\\?token=`));
    });

    it('reports changes since a deltaLink: edits, moves, tombstones without name, folder renames without descendants', async () => {
        const keep = h.api.putFile(world.libraryId, '/docs/keep.txt', 'k');
        const gone = h.api.putFile(world.libraryId, '/docs/gone.txt', 'g');
        h.api.putFile(world.libraryId, '/docs/deep/child.txt', 'c');
        const first = await drain(`${lib()}/root/delta`);
        h.api.putFile(world.libraryId, '/docs/keep.txt', 'k2');
        h.api.remove(world.libraryId, gone.id);
        h.api.rename(world.libraryId, '/docs/deep', 'deeper');
        const second = await drain(first.deltaLink);
        const byId = latest(second.items);
        expect(byId.get(keep.id)).toMatchObject({ name: 'keep.txt', size: 2 });
        const tomb = byId.get(gone.id) as Record<string, unknown>;
        expect(tomb.deleted).toEqual({ state: 'deleted' });
        expect(tomb.name).toBeUndefined();
        expect(tomb.cTag).toBeUndefined();
        const deeper = [...byId.values()].find((i) => i.name === 'deeper');
        expect(deeper).toBeDefined();
        expect([...byId.values()].some((i) => i.name === 'child.txt')).toBe(false);
        const third = await drain(second.deltaLink);
        expect(third.items.filter((i) => !i.root)).toEqual([]);
    });

    it('personal tombstones keep the name but drop size and report the empty hash', async () => {
        const personal = h.api.createOneDrive(TENANT, 'u-bob', { driveType: 'personal' });
        const bob = h.userToken('u-bob');
        const f = h.api.putFile(personal.id, '/x.txt', 'x');
        const start = await h.request('GET', `/v1.0/drives/${personal.id}/root/delta?token=latest`, { token: bob });
        expect(start.json.value).toEqual([]);
        h.api.remove(personal.id, f.id);
        const res = await h.request('GET', start.json['@odata.deltaLink'], { token: bob });
        const tomb = res.json.value.find((i: { id: string }) => i.id === f.id);
        expect(tomb).toMatchObject({
            name: 'x.txt',
            deleted: {},
            file: { hashes: { quickXorHash: EMPTY_QUICK_XOR_HASH } },
        });
        expect(tomb.size).toBeUndefined();
        const ts = await h.request('GET', `/v1.0/drives/${personal.id}/root/delta?token=2025-01-01T00%3A00%3A00Z`, {
            token: bob,
        });
        expect(ts.status).toBe(400);
    });

    it('accepts timestamp tokens on business drives and rejects delta on a non-root folder', async () => {
        h.api.putFile(world.libraryId, '/old.txt', 'o');
        h.clock.advance(3600_000);
        const cut = new Date(h.clock.now()).toISOString().replace('.000', '');
        h.clock.advance(1000);
        alice = h.userToken('u-alice'); // the old access token expired with the hour
        const fresh = h.api.putFile(world.libraryId, '/new.txt', 'n');
        const round = await drain(`${lib()}/root/delta?token=${encodeURIComponent(cut)}`);
        expect(round.items.map((i) => i.name)).toEqual(['root', 'new.txt']);
        expect(round.items[1].id).toBe(fresh.id);
        const folder = h.api.mkdirp(world.libraryId, '/sub');
        expect((await h.request('GET', `${lib()}/items/${folder.id}/delta`, { token: alice })).status).toBe(400);
    });

    it('re-emits items changed while paging (last occurrence wins) and can repeat or reverse', async () => {
        for (let i = 0; i < 6; i++) h.api.putFile(world.libraryId, `/p/f${i}.txt`, 'a');
        h.api.setOptions({ delta: { pageSize: 3 } });
        const page1 = await h.request('GET', `${lib()}/root/delta`, { token: alice });
        const early = page1.json.value.find((i: { name: string }) => i.name === 'p');
        expect(early).toBeDefined();
        const f0 = h.api.putFile(world.libraryId, '/p/f0.txt', 'changed!');
        const rest = await drain(page1.json['@odata.nextLink']);
        const all = [...page1.json.value, ...rest.items];
        const occurrences = all.filter((i) => i.id === f0.id);
        expect(occurrences.length).toBe(2);
        expect(latest(all).get(f0.id)).toMatchObject({ size: 8 });

        h.api.setOptions({ delta: { duplicates: true, ordering: 'childFirst' } });
        const dup = await drain(`${lib()}/root/delta`);
        expect(dup.items.length).toBeGreaterThan(latest(dup.items).size);
        expect(dup.items[dup.items.length - 1].root).toEqual({});
    });

    it('replaying a nextLink returns the same page', async () => {
        for (let i = 0; i < 6; i++) h.api.putFile(world.libraryId, `/r/f${i}.txt`, 'a');
        h.api.setOptions({ delta: { pageSize: 3 } });
        const page1 = await h.request('GET', `${lib()}/root/delta`, { token: alice });
        const next = page1.json['@odata.nextLink'];
        const a = await h.request('GET', next, { token: alice });
        const b = await h.request('GET', next, { token: alice });
        expect(b.json.value.map((i: { id: string }) => i.id)).toEqual(a.json.value.map((i: { id: string }) => i.id));
    });

    it.each([
        ['resyncRequired', undefined],
        ['resyncChangesApplyDifferences', 'resyncChangesApplyDifferences'],
        ['resyncChangesUploadDifferences', 'resyncChangesUploadDifferences'],
        ['resyncApplyDifferences', 'resyncApplyDifferences'],
    ] as const)('answers 410 %s with a Location that restarts the enumeration', async (variant, inner) => {
        h.api.putFile(world.libraryId, '/a.txt', 'a');
        const first = await drain(`${lib()}/root/delta`);
        h.api.expireDeltaTokens(world.libraryId, variant);
        const res = await h.request('GET', first.deltaLink, { token: alice });
        expect(res.status).toBe(410);
        expect(res.json.error.code).toBe('resyncRequired');
        expect(res.json.error.message).toMatch(/^Resync required/);
        expect(res.json.error.innererror?.code).toBe(inner);
        const location = res.headers.get('location') as string;
        const again = await drain(location);
        expect(again.items.map((i) => i.name)).toEqual(['root', 'a.txt']);
    });

    it('can fail the Location once with 500, and fail a snapshot with 503 cannotSnapshotTree', async () => {
        const first = await drain(`${lib()}/root/delta`);
        h.api.expireDeltaTokens(world.libraryId, 'resyncRequired', true);
        const res = await h.request('GET', first.deltaLink, { token: alice });
        const location = res.headers.get('location') as string;
        expect((await h.request('GET', location, { token: alice })).status).toBe(500);
        h.api.failDeltaSnapshots(1);
        const busy = await h.request('GET', `${lib()}/root/delta`, { token: alice });
        expect(busy.status).toBe(503);
        expect(busy.json.error.innererror.code).toBe('cannotSnapshotTree');
        expect((await h.request('GET', `${lib()}/root/delta`, { token: alice })).status).toBe(200);
    });

    it('keeps $select in the links and honours deltaExcludeParent', async () => {
        h.api.putFile(world.libraryId, '/x/y/z.txt', 'z');
        const first = await drain(`${lib()}/root/delta?$select=id,name,deleted`);
        expect(first.deltaLink).toContain('%24select=id%2Cname%2Cdeleted');
        h.api.putFile(world.libraryId, '/x/y/z.txt', 'zz');
        const res = await h.request('GET', first.deltaLink, {
            token: alice,
            headers: { prefer: 'deltaExcludeParent' },
        });
        expect(res.json.value.map((i: { name: string }) => i.name)).toEqual(['z.txt']);
        expect(Object.keys(res.json.value[0]).sort()).toEqual(['id', 'name']);
    });

    it("pages with Microsoft's PageIterator", async () => {
        for (let i = 0; i < 25; i++) h.api.putFile(world.libraryId, `/it/f${i}.txt`, `${i}`);
        h.api.setOptions({ delta: { pageSize: 7 } });
        const client = Client.init({
            authProvider: (done) => done(null, alice),
            baseUrl: `${h.baseUrl}/`,
            customHosts: new Set(['localhost']),
        });
        const first: PageCollection = await client.api(`${h.baseUrl}/v1.0/drives/${world.libraryId}/root/delta`).get();
        const names: string[] = [];
        const iterator = new PageIterator(client, first, (item: { name: string }) => {
            names.push(item.name);
            return true;
        });
        await iterator.iterate();
        expect(names.length).toBe(27);
        expect(iterator.getDeltaLink()).toContain('token=');
        expect(iterator.isComplete()).toBe(true);
    });
});
