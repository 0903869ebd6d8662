import { planSync } from '../../../lib/sync/plan';
import {
    batchPlan,
    firstSyncBatches,
    folderIndex,
    groupsInMemory,
    type PlanBatch,
} from '../../../lib/sync/plan/batches';
import { platformKey, remoteKey } from '../../../lib/sync/plan/model';
import type { PlanInput, PlatformEntry, RemoteEntry } from '../../../lib/sync/plan/types';
import { randomCase } from './randomScenarios';
import { describe1 } from './scenario';

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
