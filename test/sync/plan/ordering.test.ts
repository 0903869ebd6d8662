import { Action, Plan } from '../../../lib/sync/plan/types';
import { describe1, Scenario } from './scenario';

const FILES = { 'a.txt': 'A', d: null, 'd/x.txt': 'X', 'd/y.txt': 'Y', 'd/s': null, 'd/s/z.txt': 'Z' };

function indexOf(plan: Plan, line: string): number {
    const i = plan.actions.findIndex((a) => describe1(a) === line);
    if (i < 0) throw new Error(`${line} not in plan: ${plan.actions.map(describe1).join(' | ')}`);
    return i;
}

function byLine(plan: Plan, line: string): Action {
    return plan.actions[indexOf(plan, line)];
}

describe('planSync ordering and preconditions', () => {
    it('creates parents before children', () => {
        const plan = new Scenario(FILES)
            .platformCreate('n', null)
            .platformCreate('n/m', null)
            .platformCreate('n/m/f.txt', 'F')
            .plan();
        expect(indexOf(plan, 'createRemoteFolder n')).toBeLessThan(indexOf(plan, 'createRemoteFolder n/m'));
        expect(indexOf(plan, 'createRemoteFolder n/m')).toBeLessThan(indexOf(plan, 'upload n/m/f.txt -> n/m/f.txt'));
        expect(byLine(plan, 'upload n/m/f.txt -> n/m/f.txt').dependsOn).toContain(
            byLine(plan, 'createRemoteFolder n/m').id,
        );
    });

    it('deletes children before parents', () => {
        const plan = new Scenario(FILES).remoteDelete('d', false).plan();
        const folder = indexOf(plan, 'deletePlatform d');
        for (const child of ['d/x.txt', 'd/y.txt', 'd/s/z.txt', 'd/s'])
            expect(indexOf(plan, `deletePlatform ${child}`)).toBeLessThan(folder);
        expect(indexOf(plan, 'deletePlatform d/s/z.txt')).toBeLessThan(indexOf(plan, 'deletePlatform d/s'));
    });

    it('frees a path before reusing it (type change)', () => {
        const plan = new Scenario(FILES)
            .platformDelete('a.txt')
            .platformCreate('a.txt', null)
            .platformCreate('a.txt/in.txt', 'I')
            .plan();
        expect(indexOf(plan, 'deleteRemote a.txt')).toBeLessThan(indexOf(plan, 'createRemoteFolder a.txt'));
        expect(indexOf(plan, 'createRemoteFolder a.txt')).toBeLessThan(
            indexOf(plan, 'upload a.txt/in.txt -> a.txt/in.txt'),
        );
    });

    it('moves an item out of a folder before deleting the folder', () => {
        const plan = new Scenario(FILES).remoteMove('d/x.txt', 'x.txt').remoteDelete('d').plan();
        expect(indexOf(plan, 'movePlatform d/x.txt -> x.txt')).toBeLessThan(indexOf(plan, 'deletePlatform d'));
    });

    it('renames a folder before writing into it, using the new path', () => {
        const plan = new Scenario(FILES).remoteMove('d', 'e').remoteEdit('e/x.txt', 'X2').plan();
        expect(indexOf(plan, 'renamePlatform d -> e')).toBeLessThan(indexOf(plan, 'download e/x.txt'));
    });

    it('guards every write with the tag the plan saw', () => {
        const s = new Scenario(FILES);
        s.platformEdit('a.txt', 'A2').remoteDelete('d/x.txt').platformDelete('d/y.txt').remoteCreate('n.txt', 'N');
        const plan = s.plan();
        const upload = byLine(plan, 'upload a.txt -> a.txt (replace)');
        // cTag covers content only, so a rename in between does not break the upload's If-Match (§1.4).
        expect(upload.preconditions.remoteIfMatch).toBe(s.baseline.find((b) => b.platformPath === 'a.txt')?.remoteCTag);
        expect(upload.preconditions.platformIfMatch).toMatch(/^"pe/);
        const deleteRemote = byLine(plan, 'deleteRemote d/y.txt');
        expect(deleteRemote.preconditions.remoteIfMatch).toBe(
            s.baseline.find((b) => b.platformPath === 'd/y.txt')?.remoteETag,
        );
        expect(byLine(plan, 'deletePlatform d/x.txt').preconditions.platformIfMatch).toBe(
            s.baseline.find((b) => b.platformPath === 'd/x.txt')?.platformETag,
        );
        expect(byLine(plan, 'download n.txt').preconditions.mustNotExist).toEqual(['platform']);
    });

    it('passes dryRun through without changing the actions', () => {
        const s = new Scenario(FILES).platformEdit('a.txt', 'A2');
        const wet = s.plan();
        const dry = s.plan({ dryRun: true });
        expect(dry.dryRun).toBe(true);
        expect(dry.actions).toEqual(wet.actions);
    });
});

describe('big-delete guard', () => {
    const many = { f1: '1', f2: '2', f3: '3', keep: 'k' };
    const deleteThree = (s: Scenario) =>
        s.platformDelete('f1').platformDelete('f2').platformDelete('f3').platformCreate('new.txt', 'N');

    it('holds every delete of a side over both limits, and flags the plan', () => {
        const plan = deleteThree(new Scenario(many)).plan({
            bigDelete: { maxCount: 2, maxPercent: 50 },
            driveItemCount: 4,
        });
        expect(plan.heldDeletes).toBe(true);
        expect(plan.deletes).toEqual({ remote: 3, platform: 0 });
        expect(
            plan.actions
                .filter((a) => a.kind === 'holdDelete')
                .map(describe1)
                .sort(),
        ).toEqual(['holdDelete remote f1', 'holdDelete remote f2', 'holdDelete remote f3']);
        expect(plan.actions.some((a) => a.kind === 'deleteRemote')).toBe(false);
        // The rest of the plan still runs.
        expect(plan.actions.map(describe1)).toContain('upload new.txt -> new.txt');
        const held = plan.actions.find((a) => a.kind === 'holdDelete');
        expect(held?.kind === 'holdDelete' && held.held.kind).toBe('deleteRemote');
        expect(held?.reason.code).toBe('big_delete');
    });

    it.each([
        ['under the count', { maxCount: 3, maxPercent: 10 }, 4],
        ['under the percentage', { maxCount: 1, maxPercent: 80 }, 4],
        ['a small share of a big drive', { maxCount: 2, maxPercent: 50 }, 100],
    ])('does not hold deletes %s', (_name, bigDelete, driveItemCount) => {
        const plan = deleteThree(new Scenario(many)).plan({ bigDelete, driveItemCount });
        expect(plan.heldDeletes).toBe(false);
        expect(plan.actions.filter((a) => a.kind === 'deleteRemote')).toHaveLength(3);
    });

    it('judges each side on its own', () => {
        const s = new Scenario(many)
            .platformDelete('f1')
            .platformDelete('f2')
            .platformDelete('f3')
            .remoteDelete('keep');
        const plan = s.plan({ bigDelete: { maxCount: 2, maxPercent: 50 }, driveItemCount: 4 });
        expect(plan.actions.map(describe1)).toContain('deletePlatform keep');
        expect(plan.actions.filter((a) => a.kind === 'holdDelete')).toHaveLength(3);
    });
});
