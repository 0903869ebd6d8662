import { planSync } from '../../../lib/sync/plan';
import {
    batchPlan,
    firstSyncBatches,
    folderIndex,
    groupsInMemory,
    planBatch,
    type PlanBatch,
} from '../../../lib/sync/plan/batches';
import { platformKey, remoteKey } from '../../../lib/sync/plan/model';
import type { Action, PlanInput, PlatformEntry, RemoteEntry } from '../../../lib/sync/plan/types';
import { filesOf, initialState, play } from './planEndState';
import { randomCase } from './randomScenarios';
import { RESUME_OPTIONS, resumeCase } from './resumeScenarios';
import { describe1, Scenario } from './scenario';

/**
 * A first sync planned in batches of whole folders (plan/batches.ts) must decide exactly what the
 * planner decides over the whole drive at once: same actions (kind and paths), each item in exactly
 * one batch, parents' batches before their children's.
 */
const SCENARIOS = Number(process.env.PLAN_SCENARIOS ?? 600);
const BASE_SEED = Number(process.env.PLAN_SEED ?? 20240501);

async function batchesOf(
    remote: readonly RemoteEntry[],
    platform: readonly PlatformEntry[],
    size: number,
): Promise<PlanBatch[]> {
    const out: PlanBatch[] = [];
    for await (const batch of firstSyncBatches(groupsInMemory(remote, platform), folderIndex(remote, platform), size))
        out.push(batch);
    return out;
}

async function batched(input: PlanInput, size: number): Promise<string[]> {
    const out: string[] = [];
    let index = 0;
    for (const batch of await batchesOf(input.remote, input.platform, size)) {
        const plan = batchPlan(planSync({ ...input, remote: batch.remote, platform: batch.platform }), batch, index++);
        out.push(...plan.actions.map(describe1));
    }
    return out.sort();
}

describe('first sync in batches', () => {
    it(`plans the same actions as the whole drive at once (${SCENARIOS} seeded first syncs, batch sizes 1 to 4)`, async () => {
        let compared = 0;
        for (let seed = BASE_SEED; seed < BASE_SEED + SCENARIOS; seed++) {
            const { scenario, options } = randomCase(seed);
            const input = scenario.input({ ...options, firstSync: true, resync: false });
            const whole = planSync(input).actions.map(describe1).sort();
            for (const size of [1, 2, 4]) {
                const inBatches = await batched(input, size);
                if (JSON.stringify(inBatches) !== JSON.stringify(whole)) {
                    throw new Error(
                        `seed ${seed}, batch size ${size}:\nwhole:\n  ${whole.join('\n  ')}\nbatched:\n  ${inBatches.join('\n  ')}`,
                    );
                }
            }
            if (whole.length > 0) compared++;
        }
        expect(compared).toBeGreaterThan(SCENARIOS / 2);
    });

    it('puts every item in one batch, after the batch of its folder, with that folder as context', async () => {
        const folder = (path: string, id: string): RemoteEntry => ({
            id,
            parentId: null,
            name: path.split('/').pop()!,
            path,
            isFolder: true,
            eTag: 'e',
            size: 0,
            lastModified: '',
        });
        const file = (path: string, id: string): RemoteEntry => ({ ...folder(path, id), isFolder: false, size: 1 });
        const remote = [
            folder('A', 'fa'),
            folder('A/B', 'fb'),
            file('A/B/x.txt', 'x'),
            file('A/y.txt', 'y'),
            file('z.txt', 'z'),
        ];
        const platform: PlatformEntry[] = [
            { path: 'A', isFolder: true, size: 0, lastModified: '' },
            { path: 'A/p.txt', isFolder: false, size: 1, lastModified: '' },
        ];
        const own = (batches: PlanBatch[]) =>
            batches.map((b) => [
                ...b.remote.filter((e) => !b.context.has(remoteKey(e.id))).map((e) => e.path),
                ...b.platform.filter((e) => !b.context.has(platformKey(e.path))).map((e) => `platform:${e.path}`),
            ]);
        const batches = await batchesOf(remote, platform, 1);
        expect(own(batches)).toEqual([
            ['A', 'z.txt', 'platform:A'],
            ['A/B', 'A/y.txt', 'platform:A/p.txt'],
            ['A/B/x.txt'],
        ]);
        // The batch holding A/B/x.txt hangs it from A/B and A, on each side where they exist.
        expect([...batches[2].context].sort()).toEqual([platformKey('A'), remoteKey('fa'), remoteKey('fb')].sort());

        // Spelled 'a' on the platform: the planner may rename one of them, so A's subtree stays in one piece.
        const tangled = await batchesOf(
            remote,
            [
                { ...platform[0], path: 'a' },
                { ...platform[1], path: 'a/p.txt' },
            ],
            1,
        );
        expect(own(tangled)).toEqual([['A', 'z.txt', 'A/B', 'A/y.txt', 'A/B/x.txt', 'platform:a', 'platform:a/p.txt']]);
    });
});

/**
 * A first sync killed after some batches resumes in batches with the rows it wrote (engine/
 * firstSyncInBatches.ts): each batch is planned three-way against its rows. The reference is the plan
 * of the whole drive at once over the same rows, listing and platform (what a resume under ten batches
 * runs: engine/reconcile.ts): three-way for the items with rows, and for those without, new on their
 * side, paired by name, never deleted: a first sync's merge (the drive's conflict policy deciding a
 * pair whose contents differ, as the whole plan does).
 *
 * Equal means the same actions (kind, paths, target), in the batches' order per batch. Where a gap
 * change spans folders (a platform move to another folder), a batch sees only one end: the row's
 * batch finds the file gone (a delete, to the recycle bin), the other a new file (an upload): there
 * the two plans are compared by their result, both sides after the actions are played on a model
 * of the listings (planEndState.ts): nothing the whole plan keeps is lost, on the platform above all.
 */
/**
 * A synced file the platform no longer has where its row says, while its content is in another folder:
 * the whole plan may take it for a move (plan/platformView.ts: by content), a batch cannot.
 */
function movedAcrossFolders(input: PlanInput): boolean {
    const folder = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const files = new Map(input.platform.filter((e) => !e.isFolder).map((e) => [e.path, e]));
    return input.baseline.some(
        (b) =>
            !b.isFolder &&
            !files.has(b.platformPath) &&
            [...files.values()].some(
                (e) => e.contentHash === b.platformHash && folder(e.path) !== folder(b.platformPath),
            ),
    );
}

/** Two synced files with the same content. */
function sharedContent(input: PlanInput): boolean {
    const hashes = input.baseline.filter((b) => !b.isFolder).map((b) => b.platformHash);
    return new Set(hashes).size < hashes.length;
}

describe('a first sync resumed in batches', () => {
    const RESUMES = Number(process.env.PLAN_RESUMES ?? 800);

    async function resumed(input: PlanInput, size: number): Promise<Action[]> {
        const out: Action[] = [];
        let index = 0;
        const { remote, platform, baseline } = input;
        for await (const batch of firstSyncBatches(
            groupsInMemory(remote, platform, baseline),
            folderIndex(remote, platform, baseline),
            size,
        ))
            out.push(...planBatch(batch, input, index++, true).actions);
        return out;
    }

    it(`plans what the whole three-way plan decides (${RESUMES} seeded drives with a partial baseline and gap changes)`, async () => {
        let exact = 0;
        let moved = 0;
        for (let seed = BASE_SEED; seed < BASE_SEED + RESUMES; seed++) {
            const { input, crossFolder: movedByOp } = resumeCase(seed);
            const whole = planSync(input).actions;
            // A delete and a creation elsewhere of the same content are a move too, to the planner.
            const crossFolder = movedByOp || movedAcrossFolders(input);
            for (const size of [1, 2, 4]) {
                const batched = await resumed(input, size);
                const lines = (actions: Action[]) => actions.map(describe1).sort();
                if (!crossFolder) {
                    if (JSON.stringify(lines(batched)) !== JSON.stringify(lines(whole)))
                        throw new Error(
                            `seed ${seed}, batch size ${size}:\nwhole:\n  ${lines(whole).join('\n  ')}\nbatched:\n  ${lines(batched).join('\n  ')}`,
                        );
                    continue;
                }
                const start = () => initialState(input.remote, input.platform);
                const a = play(start(), whole);
                const b = play(start(), batched);
                const kept = (state: typeof a) => [...filesOf(state, 'remote'), ...filesOf(state, 'platform')];
                // By content: where the whole plan keeps two copies of one content (a conflict copy of
                // a file that was moved), the batches may keep one.
                const missing = (from: string[], into: string[]) => [...new Set(from)].filter((c) => !into.includes(c));
                // Two synced files with the same bytes make a move ambiguous (which one moved?): a batch
                // takes the candidate in its own folder, the whole plan the best across folders, and
                // each may then replace or delete the other's; both sides' recycle bins count then.
                const recycled = sharedContent(input) ? b.recycled : [];
                const problems = [
                    ...missing(filesOf(a, 'platform'), [...filesOf(b, 'platform'), ...recycled]).map(
                        (c) => `platform lost ${c}`,
                    ),
                    ...missing(kept(a), [...kept(b), ...recycled]).map((c) => `lost ${c}`),
                    ...kept(b)
                        .filter((c) => c.startsWith('missing:'))
                        .map((c) => `copied from nothing: ${c}`),
                ];
                if (problems.length > 0)
                    throw new Error(
                        `seed ${seed}, batch size ${size}: ${problems.join(', ')}\nwhole:\n  ${lines(whole).join('\n  ')}\nbatched:\n  ${lines(batched).join('\n  ')}`,
                    );
            }
            if (crossFolder) moved++;
            else if (whole.length > 0) exact++;
        }
        expect(exact).toBeGreaterThan(RESUMES / 2);
        expect(moved).toBeGreaterThan(RESUMES / 20);
    });

    it('renames a folder the platform renamed in place, as the whole plan does: its subtree and its new name plan together', async () => {
        const s = new Scenario({
            A: null,
            'A/x.txt': 'one',
            'A/y.txt': 'two',
            'A/deep': null,
            'A/deep/z.txt': 'three',
        });
        // The first attempt wrote rows for all but A/deep/z.txt; then the platform renamed A to B.
        const rows = s.baseline.filter((b) => b.platformPath !== 'A/deep/z.txt');
        s.platformMove('A', 'B');
        const input: PlanInput = {
            baseline: rows,
            remote: s.remoteListing,
            platform: s.platform,
            policy: 'keep-both',
            driveItemCount: 10,
            options: RESUME_OPTIONS,
        };
        const whole = planSync(input).actions.map(describe1).sort();
        expect(whole).toContain('renameRemote A -> B');
        expect(whole.filter((a) => a.startsWith('delete') || a.startsWith('upload'))).toEqual([]);
        for (const size of [1, 2]) expect((await resumed(input, size)).map(describe1).sort()).toEqual(whole);
    });
});
