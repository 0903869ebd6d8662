import type { Services } from '../../../lib/runtime/services';
import { planSync } from '../../../lib/sync/plan';
import {
    batchPlan,
    firstSyncBatches,
    folderIndex,
    groupsInMemory,
    remoteGroup,
    type GroupSource,
    type ItemGroup,
} from '../../../lib/sync/plan/batches';
import type { BaselineEntry, PlatformEntry, RemoteEntry } from '../../../lib/sync/plan/types';
import { RowGroups } from '../../../lib/sync/engine/rowGroups';
import { dropStaging, stagedGroups, stagingKey, StagingWriter } from '../../../lib/sync/state/firstSyncStaging';
import { mulberry32 } from '../../support/prng';
import { uniqueSuffix } from '../../support/uniqueNames';
import { randomCase } from '../plan/randomScenarios';
import { describe1 } from '../plan/scenario';
import { storageServices } from './storageServices';

/**
 * The first sync's staging table (state/firstSyncStaging.ts) against Azurite: what goes in comes back
 * as the same groups as the in-memory reference, each folder before the folders below it, subtrees by
 * key range, names with every character keys forbid or the encoding uses, groups larger than a row,
 * and paths too deep for a key.
 */
let services: Services;
beforeAll(async () => (services = await storageServices()));

const remote = (path: string, isFolder = false, id = `id-${path}`): RemoteEntry => ({
    id,
    parentId: null,
    name: path.split('/').pop()!,
    path,
    isFolder,
    eTag: 'e',
    size: isFolder ? 0 : 1,
    lastModified: '2024-01-01T00:00:00Z',
});
const platform = (path: string, isFolder = false): PlatformEntry => ({
    path,
    isFolder,
    size: isFolder ? 0 : 1,
    lastModified: '2024-01-01T00:00:00Z',
});

async function stage(
    driveId: string,
    r: readonly RemoteEntry[],
    p: readonly PlatformEntry[],
    flushChars?: number,
): Promise<GroupSource> {
    const writer = await StagingWriter.open(services, driveId, flushChars ? { flushChars } : {});
    for (const e of r) if (writer.addRemote(e)) await writer.flush();
    for (const e of p) if (writer.addPlatform(e)) await writer.flush();
    await writer.flush();
    return stagedGroups(services, driveId);
}

async function collect(groups: AsyncIterable<ItemGroup>): Promise<ItemGroup[]> {
    const out: ItemGroup[] = [];
    for await (const g of groups) out.push(g);
    return out;
}

const byKey = (groups: ItemGroup[]) =>
    Object.fromEntries(
        groups.map((g) => [g.key, { remote: g.remote.map((e) => e.id), platform: g.platform.map((e) => e.path) }]),
    );

/** Each group comes after every group of an ancestor folder. */
function expectParentsFirst(groups: ItemGroup[]): void {
    const seen = new Set<string>();
    for (const g of groups) {
        for (let dir = g.key; dir.includes('/');) {
            dir = dir.slice(0, dir.lastIndexOf('/'));
            const ancestor = groups.find((x) => x.key === dir);
            if (ancestor) expect(seen.has(dir)).toBe(true);
        }
        if (g.key !== '' && groups.some((x) => x.key === '')) expect(seen.has('')).toBe(true);
        seen.add(g.key);
    }
}

const AWKWARD = [
    'plain',
    'Two Words',
    'pipe|name',
    'dollar$',
    'tilde~',
    'hash#',
    'q?',
    'back\\slash',
    'ünïcödé',
    '日本語',
    'A-x',
    'a.b',
    "it's",
    'tab\tname',
    'emoji😀',
];

function randomTree(seed: number): { remote: RemoteEntry[]; platform: PlatformEntry[] } {
    const rng = mulberry32(seed);
    const folders = [''];
    const r: RemoteEntry[] = [];
    const p: PlatformEntry[] = [];
    for (let i = 0; i < 300; i++) {
        const parent = folders[Math.floor(rng() * folders.length)]!;
        const name = `${AWKWARD[Math.floor(rng() * AWKWARD.length)]}${Math.floor(rng() * 5)}`;
        const path = parent === '' ? name : `${parent}/${name}`;
        const isFolder = rng() < 0.3;
        if (isFolder) folders.push(path);
        if (rng() < 0.6) r.push(remote(path, isFolder, `r${i}`));
        if (rng() < 0.6) p.push(platform(rng() < 0.5 ? path.toUpperCase() : path, isFolder));
    }
    return { remote: r, platform: p };
}

describe('first-sync staging', () => {
    it('encodes keys so that a folder sorts before the folders below it, which are one key range', () => {
        expect(stagingKey('a/b c|d$e~f#g?h\\i')).toBe('a|b c~007cd~0024e~007ef~0023g~003fh~005ci');
        const keys = ['a', 'a/b', 'a-x', 'a/b/c', 'a b', 'ab', 'a/b-c', ''].map((k) => `${stagingKey(k)}$`).sort();
        expect(keys.indexOf('a$')).toBeLessThan(keys.indexOf('a|b$'));
        expect(keys.indexOf('a|b$')).toBeLessThan(keys.indexOf('a|b|c$'));
        const below = keys.filter((k) => k.startsWith('a|'));
        const first = keys.indexOf(below[0]!);
        expect(keys.slice(first, first + below.length)).toEqual(below);
    });

    it.each([1, 2, 3])('gives back the groups the in-memory reference holds, parents first (seed %i)', async (seed) => {
        const { remote: r, platform: p } = randomTree(seed);
        const driveId = `stg${uniqueSuffix()}`;
        // A tiny flush size: every group is written in many rows, read back as one.
        const source = await stage(driveId, r, p, 2_000);
        const staged = await collect(source.groups());
        const reference = await collect(groupsInMemory(r, p).groups());
        expect(byKey(staged)).toEqual(byKey(reference));
        expect(staged).toHaveLength(reference.length);
        expectParentsFirst(staged);
        for (const folder of ['plain0', 'two words1', 'pipe|name2', 'a-x3', '日本語4']) {
            const found = reference.find((g) => g.key.startsWith(folder));
            if (!found) continue;
            const root = found.key.split('/')[0]!;
            expect(byKey(await collect(source.subtree(root)))).toEqual(
                byKey(await collect(groupsInMemory(r, p).subtree(root))),
            );
        }
        await dropStaging(services, driveId);
        expect(await collect(stagedGroups(services, driveId).groups())).toEqual([]);
    });

    it('splits a group larger than a row, and puts paths too deep for a key after the rest, shallow first', async () => {
        const driveId = `stg${uniqueSuffix()}`;
        const big = Array.from({ length: 3000 }, (_, i) => remote(`big/${'n'.repeat(150)}-${i}.txt`));
        const deep = Array.from({ length: 40 }, (_, i) =>
            Array.from({ length: i + 1 }, (_, j) => `level-${j}-${'d'.repeat(20)}`).join('/'),
        );
        const deepEntries = deep.map((path) => remote(path, true));
        const source = await stage(driveId, [...deepEntries, ...big, remote('big', true)], [platform('big/local.txt')]);
        const groups = await collect(source.groups());
        expect(groups.find((g) => g.key === 'big')!.remote).toHaveLength(3000);
        expect(groups.find((g) => g.key === 'big')!.platform.map((e) => e.path)).toEqual(['big/local.txt']);
        expectParentsFirst(groups);
        expect(
            groups
                .flatMap((g) => g.remote)
                .map((e) => e.id)
                .sort(),
        ).toEqual([...deepEntries, ...big, remote('big', true)].map((e) => e.id).sort());
        expect(groups.some((g) => stagingKey(g.key).length > 500)).toBe(true);
    });

    it("stages the rows of a resume as a third side, and a listed item that has a row in its row's group", async () => {
        const { remote: r, platform: p } = randomTree(4);
        // Rows for about half the listed items, some written at another path than the listing's (a
        // move the listing saw: the item must still meet its row).
        const rows: BaselineEntry[] = r
            .filter((_, i) => i % 2 === 0)
            .map((e, i) => ({
                remoteId: e.id,
                platformPath: i % 7 === 0 ? `moved/${e.name}` : e.path,
                isFolder: e.isFolder,
                remoteETag: e.eTag,
                remoteSize: e.size,
                platformSize: e.size,
            }));
        const driveId = `stg${uniqueSuffix()}`;
        const writer = await StagingWriter.open(services, driveId, { flushChars: 2_000 });
        const groups = new RowGroups();
        for (const b of rows) {
            groups.add(b);
            if (writer.addBaseline(b)) await writer.flush();
        }
        expect(groups.size).toBe(rows.length);
        for (const e of r) if (writer.addRemote(e, remoteGroup(e, groups.groupOf(e.id)))) await writer.flush();
        for (const e of p) if (writer.addPlatform(e)) await writer.flush();
        await writer.flush();
        const withRows = (gs: ItemGroup[]) =>
            Object.fromEntries(
                gs.map((g) => [
                    g.key,
                    { ...byKey([g])[g.key], rows: (g.baseline ?? []).map((b) => b.remoteId).sort() },
                ]),
            );
        const staged = await collect(stagedGroups(services, driveId).groups());
        const reference = await collect(groupsInMemory(r, p, rows).groups());
        expect(withRows(staged)).toEqual(withRows(reference));
        expectParentsFirst(staged);
        const moved = rows.filter((b) => b.platformPath.startsWith('moved/')).map((b) => b.remoteId);
        expect(moved.length).toBeGreaterThan(2);
        const movedGroup = staged.find((g) => g.key === 'moved')!;
        expect(movedGroup.remote.map((e) => e.id).sort()).toEqual([...moved].sort());
        await dropStaging(services, driveId);
    });

    it('opening a writer drops what an interrupted first sync staged', async () => {
        const driveId = `stg${uniqueSuffix()}`;
        await stage(driveId, [remote('left/over.txt')], []);
        const source = await stage(driveId, [remote('fresh.txt')], []);
        expect(byKey(await collect(source.groups()))).toEqual({ '': { remote: ['id-fresh.txt'], platform: [] } });
    });

    it('plans through the table exactly what the whole-drive planner plans (seeded first syncs)', async () => {
        let compared = 0;
        for (let seed = 7000; seed < 7060; seed++) {
            const { scenario, options } = randomCase(seed);
            const input = scenario.input({ ...options, firstSync: true, resync: false });
            const whole = planSync(input).actions.map(describe1).sort();
            const driveId = `stg${uniqueSuffix()}`;
            const source = await stage(driveId, input.remote, input.platform);
            const inBatches: string[] = [];
            let index = 0;
            for await (const batch of firstSyncBatches(source, folderIndex(input.remote, input.platform), 2)) {
                inBatches.push(
                    ...batchPlan(
                        planSync({ ...input, remote: batch.remote, platform: batch.platform }),
                        batch,
                        index++,
                    ).actions.map(describe1),
                );
            }
            expect({ seed, actions: inBatches.sort() }).toEqual({ seed, actions: whole });
            if (whole.length) compared++;
        }
        expect(compared).toBeGreaterThan(30);
    });
});
