import type { BaselineEntry } from '../../../lib/sync/plan/types';
import {
    applyBaselineChanges,
    getBaselineEntry,
    hasBaseline,
    loadBaseline,
} from '../../../lib/sync/state/baselineStore';
import type { Services } from '../../../lib/runtime/services';
import { storageServices } from './storageServices';

function row(i: number, overrides: Partial<BaselineEntry> = {}): BaselineEntry {
    return {
        remoteId: `01ABC!${i}/x#y?z`,
        platformPath: `Folder ${i % 7}/file-${i}.txt`,
        isFolder: false,
        remoteETag: `"{GUID-${i}},1"`,
        remoteCTag: `"c:{GUID-${i}},1"`,
        remoteHash: `hash${i}=`,
        remoteSize: i * 10,
        platformETag: `"0x8D${i}"`,
        platformSize: i * 10,
        platformHash: `hash${i}=`,
        ...overrides,
    };
}

const byId = (a: BaselineEntry, b: BaselineEntry) => a.remoteId.localeCompare(b.remoteId);

describe('baseline store (Table storage, one partition per drive)', () => {
    let services: Services;
    beforeAll(async () => (services = await storageServices()));

    it('round-trips rows, keeps ids with table-forbidden characters and omits absent optional fields', async () => {
        const folder: BaselineEntry = {
            remoteId: 'F/1',
            platformPath: 'Folder 1',
            isFolder: true,
            remoteETag: '"e"',
            remoteSize: 0,
            platformSize: 0,
        };
        expect(await hasBaseline(services, 'drv_round')).toBe(false);
        await applyBaselineChanges(services, 'drv_round', { upsert: [row(1), row(2), folder], remove: [] });
        expect(await hasBaseline(services, 'drv_round')).toBe(true);
        expect((await loadBaseline(services, 'drv_round')).sort(byId)).toEqual([row(1), row(2), folder].sort(byId));
        expect(await getBaselineEntry(services, 'drv_round', 'F/1')).toEqual(folder);
        expect(await getBaselineEntry(services, 'drv_round', 'missing')).toBeUndefined();
        // Another drive's partition is separate.
        expect(await loadBaseline(services, 'drv_other')).toEqual([]);
    });

    it('writes and removes more than 100 rows (several transactions), replacing changed rows', async () => {
        const rows = Array.from({ length: 250 }, (_, i) => row(i));
        await applyBaselineChanges(services, 'drv_big', { upsert: rows, remove: [] });
        expect(await loadBaseline(services, 'drv_big')).toHaveLength(250);
        const changed = rows.slice(0, 120).map((r) => ({ ...r, remoteETag: '"changed"' }));
        const removed = rows.slice(120, 230).map((r) => r.remoteId);
        await applyBaselineChanges(services, 'drv_big', { upsert: changed, remove: removed });
        const now = await loadBaseline(services, 'drv_big');
        expect(now).toHaveLength(140);
        expect(now.filter((r) => r.remoteETag === '"changed"')).toHaveLength(120);
        expect(now.some((r) => removed.includes(r.remoteId))).toBe(false);
    });

    it('removing rows that are already gone is harmless (a redelivered run applies its changes twice)', async () => {
        await applyBaselineChanges(services, 'drv_twice', { upsert: [row(1)], remove: [] });
        await applyBaselineChanges(services, 'drv_twice', {
            upsert: [row(2)],
            remove: [row(1).remoteId, 'never-existed'],
        });
        await applyBaselineChanges(services, 'drv_twice', {
            upsert: [row(2)],
            remove: [row(1).remoteId, 'never-existed'],
        });
        expect(await loadBaseline(services, 'drv_twice')).toEqual([row(2)]);
    });

    it('an id both upserted and removed is kept (the upsert is the newer fact)', async () => {
        await applyBaselineChanges(services, 'drv_both', { upsert: [row(3)], remove: [row(3).remoteId] });
        expect(await loadBaseline(services, 'drv_both')).toEqual([row(3)]);
    });
});
