import { RunDeleteGuard } from '../../../lib/sync/engine/runDeleteGuard';
import type { Action, Plan } from '../../../lib/sync/plan';

/**
 * A resumed first sync is planned in batches, each a sliver of the drive: the big-delete guard counts
 * the deletes of every batch of the run (engine/runDeleteGuard.ts), so a mass delete spread over
 * batches is held once the run's total passes the limits, as one plan's would be.
 */
function batchWith(deletes: number, side: 'remote' | 'platform', prefix: string): Plan {
    const actions: Action[] = Array.from({ length: deletes }, (_, i): Action => {
        const base = { id: `${prefix}${i}`, item: `id:${prefix}${i}`, reason: { code: 'x', message: 'x' } };
        return side === 'remote'
            ? {
                  ...base,
                  kind: 'deleteRemote',
                  remoteId: `${prefix}${i}`,
                  path: `${prefix}/${i}`,
                  isFolder: false,
                  toRecycleBin: true,
                  preconditions: {},
                  dependsOn: [],
              }
            : {
                  ...base,
                  kind: 'deletePlatform',
                  path: `${prefix}/${i}`,
                  isFolder: false,
                  toRecycleBin: true,
                  preconditions: {},
                  dependsOn: [],
              };
    });
    const counts = deletes ? { [side === 'remote' ? 'deleteRemote' : 'deletePlatform']: deletes } : {};
    return { actions, heldDeletes: false, dryRun: false, counts, deletes: { remote: 0, platform: 0 } };
}

describe('the big-delete guard of a run in batches', () => {
    it('lets deletes through while the run stays under the limits, then holds that side for the rest of the run', () => {
        // Limits 10 deletes and 20% of 40 items: a side's run total past 10 passes both.
        const guard = new RunDeleteGuard({ maxCount: 10, maxPercent: 20 }, 40);
        expect(guard.check(batchWith(6, 'remote', 'a')).counts).toEqual({ deleteRemote: 6 });
        expect(guard.check(batchWith(3, 'platform', 'b')).counts).toEqual({ deletePlatform: 3 });
        const third = guard.check(batchWith(6, 'remote', 'c'));
        expect(third.counts).toEqual({ holdDelete: 6 });
        expect(third.heldDeletes).toBe(true);
        expect(guard.check(batchWith(1, 'remote', 'd')).counts).toEqual({ holdDelete: 1 });
        // The other side keeps its own count.
        expect(guard.check(batchWith(2, 'platform', 'e')).counts).toEqual({ deletePlatform: 2 });
        expect(guard.held).toBe(true);
        expect(guard.deletes).toEqual({ remote: 13, platform: 5 });
    });

    it('drops what it would hold once the admin rejected the held deletes, and holds nothing when approved', () => {
        const rejected = new RunDeleteGuard({ maxCount: 1, maxPercent: 1 }, 10, true);
        const plan = rejected.check(batchWith(5, 'remote', 'a'));
        expect(plan.actions).toEqual([]);
        expect(rejected.held).toBe(false);
        const approved = new RunDeleteGuard({ maxCount: Number.MAX_SAFE_INTEGER, maxPercent: 100 }, 10);
        expect(approved.check(batchWith(10, 'remote', 'a')).counts).toEqual({ deleteRemote: 10 });
    });
});
