import { planSync } from '../../../lib/sync/plan';
import { scopeToChanges } from '../../../lib/sync/plan/scope';
import { parentPath } from '../../../lib/sync/plan/paths';
import { diffListing } from '../../../lib/sync/plan/platformChanges';
import { platformFromBaseline, platformFromChanges } from '../../../lib/sync/engine/platformSide';
import type { BaselineEntry, ConflictPolicy, PlanInput, RemoteEntry } from '../../../lib/sync/plan/types';
import type { DeltaItem } from '../../../lib/sync/remote/deltaItem';
import { listingChanges, markUnlisted, type ListingChanges } from '../../../lib/sync/remote/listingChanges';
import { toRemoteEntries } from '../../../lib/sync/remote/remoteEntries';
import { platformOp, randomDrive, remoteOp, seeded } from '../plan/randomScenarios';
import { describe1, type Scenario } from '../plan/scenario';

/**
 * A full listing (the weekly reconciliation, a 410's resync) reduced to its differences from the
 * baseline (remote/listingChanges.ts) and planned as an incremental run, scoped to the changes, must
 * give exactly the plan of the whole listing over the whole baseline: for random drives with random
 * SharePoint edits (creates, edits, touches, deletes with or without tombstones, moves, renames) and
 * random platform edits, with the listing proving absence or not, the platform listed or not.
 */
const SCENARIOS = Number(process.env.LISTING_SCENARIOS ?? 1500);
const NAMES = ['a', 'b', 'B', 'c.txt', 'C.TXT', 'd.docx', 'e', 'f.txt', 'g', 'h.md', 'i', 'j.txt'];
const POLICIES: ConflictPolicy[] = ['keep-both', 'prefer-remote', 'prefer-platform', 'newest'];

describe('a full listing reduced to its changes', () => {
    it(`plans the same actions as the whole listing over the whole baseline (${SCENARIOS} seeded drives)`, async () => {
        let smaller = 0;
        let unlistedDeletes = 0;
        for (let seed = 1; seed <= SCENARIOS; seed++) {
            const rng = seeded(seed * 104_729);
            const scenario = randomDrive(rng, NAMES, { min: 20, spread: 50 });
            for (let i = 0, n = Math.floor(rng() * 5); i < n; i++) remoteOp(rng, scenario);
            for (let i = 0, n = Math.floor(rng() * 3); i < n; i++) platformOp(rng, scenario);
            const proves = rng() < 0.7;
            const scanned = rng() < 0.5;
            const options = {
                policy: POLICIES[seed % POLICIES.length],
                resync: true,
                unlistedDeleted: proves,
                tombstones: rng() < 0.5,
                bigDelete: { maxCount: Math.floor(rng() * 4), maxPercent: Math.floor(rng() * 60) },
            };
            const listing = deltaListing(scenario.input(options).remote);

            const whole = toRemoteEntries(listing, scenario.baseline, 'root');
            const wholeInput: PlanInput = {
                ...scenario.input(options),
                remote: whole.entries,
                platform: scanned ? scenario.platform : platformFromBaseline(scenario.baseline),
                driveItemCount: whole.entries.filter((e) => !e.deleted).length,
            };

            const changes = await listingChanges(pagesOf(listing), () => pagesOf(scenario.baseline));
            const reduced = reducedInput(scenario, changes, proves, options.policy, wholeInput.options);
            const platformChanges = scanned
                ? diffListing(scenario.baseline, scenario.platform, new Set(reduced.remote.map((r) => r.id)))
                : undefined;
            const scoped = scopeToChanges(
                platformChanges
                    ? { ...reduced, platform: platformFromChanges(scenario.baseline, platformChanges) }
                    : reduced,
                platformChanges,
            );

            const describe = (input: PlanInput) => {
                const plan = planSync(input);
                return { seed, held: plan.heldDeletes, actions: plan.actions.map(describe1).sort() };
            };
            expect(describe(scoped)).toEqual(describe(wholeInput));
            expect(changes.live).toBe(wholeInput.driveItemCount);
            if (scoped.baseline.length < scenario.baseline.length) smaller++;
            if (planSync(wholeInput).actions.some((a) => a.reason.code === 'unlisted_on_remote')) unlistedDeletes++;
        }
        expect(smaller).toBeGreaterThan(SCENARIOS * 0.5);
        // Deletes without tombstones do happen: the comparison covers what only the listing finds.
        expect(unlistedDeletes).toBeGreaterThan(SCENARIOS * 0.05);
    });

    it('keeps what differs from the baseline and names what is not listed', async () => {
        const row = (id: string, path: string, eTag: string, isFolder = false): BaselineEntry => ({
            remoteId: id,
            platformPath: path,
            isFolder,
            remoteETag: eTag,
            remoteSize: 0,
            platformSize: 0,
        });
        const baseline = [
            row('d', 'docs', 'e1', true),
            row('same', 'docs/a.txt', 'e2'),
            row('edited', 'docs/b.txt', 'e3'),
            row('renamed', 'docs/c.txt', 'e4'),
            row('gone', 'docs/d.txt', 'e5'),
            row('tombstoned', 'docs/e.txt', 'e6'),
        ];
        const item = (id: string, name: string, eTag: string, extra: Partial<DeltaItem> = {}): DeltaItem => ({
            id,
            name,
            eTag,
            parentReference: { id: 'd' },
            file: {},
            ...extra,
        });
        const listing: DeltaItem[] = [
            { id: 'root', root: {}, folder: {} },
            { id: 'd', name: 'docs', eTag: 'e1', folder: {}, parentReference: { id: 'root' } },
            item('same', 'a.txt', 'e2'),
            item('edited', 'b.txt', 'e3*'),
            item('renamed', 'c.txt', 'e4'),
            item('renamed', 'C2.txt', 'e4'),
            item('tombstoned', 'e.txt', 'e6', { deleted: {} }),
            item('new', 'f.txt', 'e7'),
            item('born-and-gone', 'g.txt', 'e8'),
            item('born-and-gone', 'g.txt', 'e8', { deleted: {} }),
            // Listed changed, then listed again as the baseline has it: the last occurrence wins.
            item('same', 'a.txt', 'e2*'),
            item('same', 'a.txt', 'e2'),
        ];
        const changes = await listingChanges(pagesOf(listing, 3), () => pagesOf(baseline, 2));
        expect(changes.items.map((i) => i.id)).toEqual(['root', 'edited', 'renamed', 'tombstoned', 'new']);
        expect(changes.unlisted).toEqual(['gone']);
        expect(changes).toMatchObject({ rootId: 'root', listed: listing.length, live: 5 });
    });

    it('finds every row of a large drive again (the typed-array table grows without losing one)', async () => {
        const n = 200_000;
        const rows = function* () {
            for (let i = 0; i < n; i += 10_000)
                yield Array.from({ length: 10_000 }, (_, k) => ({
                    remoteId: `01ABCDEF${String(i + k).padStart(10, '0')}`,
                    platformPath: `f/${i + k}.txt`,
                    isFolder: false,
                    remoteETag: `"{${i + k}},1"`,
                    remoteSize: 0,
                    platformSize: 0,
                }));
        };
        const listing = async function* () {
            for (const page of rows())
                yield page
                    .filter((_, k) => k !== 17)
                    .map((r) => ({ id: r.remoteId, name: r.platformPath.slice(2), eTag: r.remoteETag, file: {} }));
        };
        const changes = await listingChanges(listing(), async function* () {
            yield* rows();
        });
        expect(changes.items).toEqual([]);
        expect(changes.unlisted).toHaveLength(n / 10_000);
        expect(changes.live).toBe(n - n / 10_000);
    }, 60_000);
});

/**
 * The planner's listing as Graph's delta lists it: the root first, each item under its parent's id
 * (found by path: the scenario's `parentId` is the one an item was created with).
 */
function deltaListing(entries: readonly RemoteEntry[]): DeltaItem[] {
    const folderIds = new Map(entries.filter((e) => e.isFolder && !e.deleted).map((e) => [e.path, e.id]));
    return [
        { id: 'root', root: {}, folder: {} },
        ...entries.map((e): DeltaItem => ({
            id: e.id,
            name: e.name,
            eTag: e.eTag,
            ...(e.cTag ? { cTag: e.cTag } : {}),
            size: e.size,
            parentReference: { id: folderIds.get(parentPath(e.path)) ?? 'root' },
            ...(e.isFolder ? { folder: {} } : { file: { hashes: { quickXorHash: e.quickXorHash } } }),
            ...(e.deleted ? { deleted: {} } : {}),
            fileSystemInfo: { lastModifiedDateTime: e.lastModified },
        })),
    ];
}

function reducedInput(
    scenario: Scenario,
    changes: ListingChanges,
    proves: boolean,
    policy: ConflictPolicy,
    options: PlanInput['options'],
): PlanInput {
    const items = [...changes.items, ...changes.unlisted.map((id): DeltaItem => ({ id, deleted: {} }))];
    const resolved = toRemoteEntries(items, scenario.baseline, changes.rootId);
    return {
        baseline: scenario.baseline,
        remote: markUnlisted(resolved.entries, changes.unlisted, proves),
        platform: platformFromBaseline(scenario.baseline),
        policy,
        driveItemCount: changes.live,
        options: { ...options, resync: false, unlistedDeleted: undefined },
    };
}

async function* pagesOf<T>(all: readonly T[], size = 7): AsyncGenerator<T[]> {
    for (let at = 0; at < all.length; at += size) yield all.slice(at, at + size);
}
