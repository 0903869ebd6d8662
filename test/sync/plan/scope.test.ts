import { planSync } from '../../../lib/sync/plan';
import { scopeToChanges } from '../../../lib/sync/plan/scope';
import { diffListing } from '../../../lib/sync/plan/platformChanges';
import { platformFromChanges } from '../../../lib/sync/engine/platformSide';
import type { ConflictPolicy } from '../../../lib/sync/plan/types';
import { platformOp, randomDrive, remoteOp, seeded } from './randomScenarios';
import { describe1 } from './scenario';

/**
 * An incremental run plans over the part of the baseline its changes can touch (plan/scope.ts): for
 * random drives of a few dozen items and random SharePoint-side edits (creates, edits, deletes, moves,
 * renames of files and folders, case clashes), the cut-down input must give exactly the plan the
 * whole baseline gives, and in most cases be smaller.
 */
const SCENARIOS = Number(process.env.SCOPE_SCENARIOS ?? 1500);
const NAMES = ['a', 'b', 'B', 'c.txt', 'C.TXT', 'd.docx', 'e', 'f.txt', 'g', 'h.md', 'i', 'j.txt'];
const POLICIES: ConflictPolicy[] = ['keep-both', 'prefer-remote', 'prefer-platform', 'newest'];

describe('incremental plans scoped to the changes', () => {
    it(`plan the same actions as the whole baseline (${SCENARIOS} seeded drives)`, () => {
        let smaller = 0;
        for (let seed = 1; seed <= SCENARIOS; seed++) {
            const rng = seeded(seed);
            const scenario = randomDrive(rng, NAMES, { min: 20, spread: 50 });
            for (let i = 0, n = 1 + Math.floor(rng() * 4); i < n; i++) remoteOp(rng, scenario);
            // Delta also lists the folders above a change, unchanged in place (a new eTag only).
            const folders = scenario.remoteListing.filter((e) => e.isFolder);
            if (folders.length > 0 && rng() < 0.7)
                scenario.remoteTouch(folders[Math.floor(rng() * folders.length)]!.path);
            const input = scenario.input({
                policy: POLICIES[seed % POLICIES.length],
                tombstones: rng() < 0.5,
                bigDelete: { maxCount: Math.floor(rng() * 4), maxPercent: Math.floor(rng() * 60) },
            });
            const scoped = scopeToChanges(input);
            const whole = planSync(input);
            const cut = planSync(scoped);
            const describe = (p: typeof whole) => ({
                seed,
                held: p.heldDeletes,
                actions: p.actions.map(describe1).sort(),
            });
            expect(describe(cut)).toEqual(describe(whole));
            if (scoped.baseline.length < input.baseline.length) smaller++;
        }
        expect(smaller).toBeGreaterThan(SCENARIOS * 0.7);
    });
});

/**
 * A listing run (Sync now, the sweep, PlatformScanMinutes) planned over the platform's changes found
 * folder by folder (plan/platformChanges.ts) and the SharePoint changes: for random drives and random
 * edits on both sides (creates, edits, touches, deletes, moves and renames within and across folders,
 * case clashes, conflicts), the platform side rebuilt from the changes and the baseline's image
 * (engine/platformSide.ts) and cut to the changes must give exactly the whole listing's plan.
 */
describe('listing runs planned over the changes only', () => {
    it(`plan the same actions as the whole baseline and listing (${SCENARIOS} seeded drives)`, () => {
        let smaller = 0;
        let moves = 0;
        for (let seed = 1; seed <= SCENARIOS; seed++) {
            const rng = seeded(seed * 7919);
            const scenario = randomDrive(rng, NAMES, { min: 20, spread: 50 });
            for (let i = 0, n = Math.floor(rng() * 3); i < n; i++) remoteOp(rng, scenario);
            for (let i = 0, n = 1 + Math.floor(rng() * 4); i < n; i++) platformOp(rng, scenario);
            const listed = scenario.input({
                policy: POLICIES[seed % POLICIES.length],
                tombstones: rng() < 0.5,
                bigDelete: { maxCount: Math.floor(rng() * 4), maxPercent: Math.floor(rng() * 60) },
            });
            // Files once uploaded through the API keep their dirty flag (completeUpload.ts) at the same ETag.
            const input = {
                ...listed,
                platform: listed.platform.map((p) => (!p.isFolder && rng() < 0.2 ? { ...p, dirty: true } : p)),
            };
            const changes = diffListing(input.baseline, input.platform, new Set(input.remote.map((r) => r.id)));
            const rebuilt = { ...input, platform: platformFromChanges(input.baseline, changes) };
            const scoped = scopeToChanges(rebuilt, changes);
            const whole = planSync(input);
            const cut = planSync(scoped);
            const describe = (p: typeof whole) => ({
                seed,
                held: p.heldDeletes,
                actions: p.actions.map(describe1).sort(),
            });
            expect(describe(cut)).toEqual(describe(whole));
            if (scoped.baseline.length < input.baseline.length) smaller++;
            if (whole.actions.some((a) => a.kind === 'moveRemote' || a.kind === 'renameRemote')) moves++;
        }
        expect(smaller).toBeGreaterThan(SCENARIOS * 0.5);
        // The random edits do move things: the comparison covers platform moves and renames.
        expect(moves).toBeGreaterThan(SCENARIOS * 0.1);
    });
});
