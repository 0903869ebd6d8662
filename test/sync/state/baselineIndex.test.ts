import type { TableClient } from '@azure/data-tables';
import type { Services } from '../../../lib/runtime/services';
import { planSync } from '../../../lib/sync/plan';
import { scopeToChanges } from '../../../lib/sync/plan/scope';
import type { BaselineEntry } from '../../../lib/sync/plan/types';
import {
    ensureBaselineIndex,
    indexKey,
    loadBaselineScope,
    readBaselineCount,
} from '../../../lib/sync/state/baselineIndex';
import { readLayout } from '../../../lib/sync/state/baselineLayout';
import { applyBaselineChanges, loadBaseline, loadBaselineRows } from '../../../lib/sync/state/baselineStore';
import { uniqueSuffix } from '../../support/uniqueNames';
import { randomDrive, remoteOp, seeded } from '../plan/randomScenarios';
import { describe1 } from '../plan/scenario';
import { storageServices } from './storageServices';
import { writeLegacyDrive } from './legacyBaseline';

/**
 * The baseline's path index (state/baselineIndex.ts) against Azurite: it stays one copy per row, in
 * its item's partition, through renames, case changes, moves and deletes; an older drive gets it from
 * a full load; and the rows an incremental run reads through it plan exactly what the whole baseline
 * plans, in the bucketed layout and in the older single-partition one.
 */
let services: Services;
let table: TableClient;
beforeAll(async () => {
    services = await storageServices();
    table = await services.tables.get('baselines');
});

const NAMES = ['a', 'b', 'B', 'c.txt', 'C.TXT', 'd docx', 'e|f', 'g$', 'h~i', 'ü.txt'];

async function rowsOf(driveId: string): Promise<{ items: Map<string, BaselineEntry>; index: Map<string, string> }> {
    const items = new Map<string, BaselineEntry>();
    const index = new Map<string, string>();
    const { layout } = await readLayout(services, driveId);
    for (const partition of layout.partitions)
        for await (const row of table.listEntities<{ rowKey: string; remoteId?: string; platformPath?: string }>({
            queryOptions: { filter: `PartitionKey eq '${partition}'` },
        })) {
            if (!row.rowKey.startsWith('!')) continue;
            // An index row lives in its item's partition (one transaction changes both).
            expect(layout.partitionOf(row.remoteId!)).toBe(partition);
            index.set(row.rowKey, `${row.remoteId} ${row.platformPath}`);
        }
    for (const e of await loadBaseline(services, driveId)) items.set(e.remoteId, e);
    return { items, index };
}

async function expectIndexMatches(driveId: string): Promise<void> {
    const { items, index } = await rowsOf(driveId);
    const expected = new Map([...items.values()].map((e) => [indexKey(e), `${e.remoteId} ${e.platformPath}`]));
    expect(Object.fromEntries(index)).toEqual(Object.fromEntries(expected));
    expect(await readBaselineCount(services, driveId)).toBe(items.size);
}

describe('baseline path index', () => {
    it('keeps exactly one index row per item, and the count, through renames, case changes, moves and deletes', async () => {
        const driveId = `bix${uniqueSuffix()}`;
        await ensureBaselineIndex(services, driveId, []);
        const row = (id: string, platformPath: string, isFolder = false): BaselineEntry => ({
            remoteId: id,
            platformPath,
            isFolder,
            remoteETag: 'e',
            remoteSize: 1,
            platformSize: 1,
        });
        await applyBaselineChanges(services, driveId, {
            upsert: [row('f', 'Docs', true), row('x', 'Docs/x.txt'), row('y', 'Docs/y.txt'), row('z', 'z|$~.txt')],
            remove: [],
        });
        await expectIndexMatches(driveId);
        // Written twice (a redelivery): nothing doubles.
        await applyBaselineChanges(services, driveId, { upsert: [row('x', 'Docs/x.txt')], remove: [] });
        // A case-only rename, a move, a delete; the caller's knowledge of the old rows is used where given.
        const known = new Map([['x', row('x', 'Docs/x.txt')]]);
        await applyBaselineChanges(
            services,
            driveId,
            { upsert: [row('x', 'Docs/X.txt'), row('y', 'Other/y.txt')], remove: ['z', 'never-there'] },
            { rows: known, complete: false },
        );
        await expectIndexMatches(driveId);
        expect([...(await rowsOf(driveId)).items.keys()].sort()).toEqual(['f', 'x', 'y']);
    });

    it('is built from a full load for a drive synced before it existed', async () => {
        const driveId = `bix${uniqueSuffix()}`;
        const entries = Array.from({ length: 130 }, (_, i): BaselineEntry => ({
            remoteId: `r${i}`,
            platformPath: `F${i % 7}/n${i}.txt`,
            isFolder: false,
            remoteETag: 'e',
            remoteSize: 1,
            platformSize: 1,
        }));
        // An older drive: one partition, item rows only (no index, no meta row), as they were written then.
        await writeLegacyDrive(table, driveId, entries, { index: false, meta: false });
        expect(await readBaselineCount(services, driveId)).toBeUndefined();
        expect((await readLayout(services, driveId)).layout.partitions).toEqual([driveId]);
        await ensureBaselineIndex(services, driveId, await loadBaseline(services, driveId));
        await expectIndexMatches(driveId);
        expect((await readLayout(services, driveId)).layout.buckets).toBe(1);
    });

    it.each([
        ['bucketed', 40],
        ['single-partition (older drives)', 15],
    ])(
        'gives an incremental run the rows its changes touch: the same plan as the whole baseline (%s, seeded drives)',
        async (layout, SEEDS) => {
            let smaller = 0;
            for (let seed = 1; seed <= SEEDS; seed++) {
                const rng = seeded(seed * 7919);
                const scenario = randomDrive(rng, NAMES, { min: 15, spread: 30 });
                const driveId = `bix${uniqueSuffix()}`;
                if (layout === 'bucketed') {
                    await ensureBaselineIndex(services, driveId, []);
                    await applyBaselineChanges(services, driveId, { upsert: scenario.baseline, remove: [] });
                } else await writeLegacyDrive(table, driveId, scenario.baseline, { index: true, meta: true });
                for (let i = 0, n = 1 + Math.floor(rng() * 4); i < n; i++) remoteOp(rng, scenario);
                const folders = scenario.remoteListing.filter((e) => e.isFolder);
                if (folders.length > 0 && rng() < 0.7)
                    scenario.remoteTouch(folders[Math.floor(rng() * folders.length)]!.path);
                const input = scenario.input({ policy: 'keep-both' });

                const ids = new Set(input.remote.flatMap((r) => [r.id, ...(r.parentId ? [r.parentId] : [])]));
                const byId = await loadBaselineRows(services, driveId, ids);
                const loaded = await loadBaselineScope(services, driveId, input.remote, byId);
                const needed = scopeToChanges(input).baseline.map((b) => b.remoteId);
                expect({ seed, missing: needed.filter((id) => !loaded.some((b) => b.remoteId === id)) }).toEqual({
                    seed,
                    missing: [],
                });
                const whole = planSync(input).actions.map(describe1).sort();
                const throughIndex = planSync(scopeToChanges({ ...input, baseline: loaded }))
                    .actions.map(describe1)
                    .sort();
                expect({ seed, actions: throughIndex }).toEqual({ seed, actions: whole });
                if (loaded.length < input.baseline.length) smaller++;
            }
            expect(smaller).toBeGreaterThan(SEEDS / 2);
        },
    );
});
