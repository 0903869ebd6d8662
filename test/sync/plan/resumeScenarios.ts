import type { BaselineEntry, PlanInput } from '../../../lib/sync/plan/types';
import { GUARD_OFF } from '../../../lib/sync/engine/heldDeletes';
import { CONTENTS, NAMES, pick, POLICIES, randomDrive, seeded, type Rng } from './randomScenarios';
import { NOW, type Scenario } from './scenario';

/** What the whole-plan resume plans with (engine/reconcile.ts planWhole), the big-delete guard off. */
export const RESUME_OPTIONS: PlanInput['options'] = {
    firstSync: false,
    resync: false,
    resumedFirstSync: true,
    dryRun: false,
    bigDelete: GUARD_OFF,
    now: NOW,
};

export interface ResumeCase {
    /** The resume's whole input: the partial baseline, the first attempt's full listing, the platform now. */
    input: PlanInput;
    /** A platform or SharePoint move to another folder was made: batches may see it as a delete and a creation. */
    crossFolder: boolean;
}

/**
 * A first sync killed after some batches, then changes before the run that resumes it. The drive
 * starts as two equal sides; the first attempt's rows cover a random part of it, closed upwards (a
 * folder's row comes with its parent's group, before anything inside it: a row's parent folder has
 * one). Items without rows may differ between the sides (edited, missing on one), as a first sync
 * finds them. Then the gap: the platform edits, deletes, renames (in place or to another folder),
 * creates and touches; SharePoint's listing gains new items, edits, deletes and renames (its last page read again).
 */
export function resumeCase(seed: number): ResumeCase {
    const rng = seeded(seed);
    const s = randomDrive(rng, NAMES, { min: 3, spread: 14 });
    const rows = partialBaseline(rng, s.baseline);
    const synced = new Set(rows.map((b) => b.platformPath));
    for (const e of s.platform)
        if (!synced.has(e.path) && !e.isFolder && rng() < 0.3) s.platformEdit(e.path, pick(rng, CONTENTS));
    let crossFolder = false;
    for (let i = 0, n = 1 + Math.floor(rng() * 5); i < n; i++) crossFolder = platformGapOp(rng, s) || crossFolder;
    for (let i = 0, n = Math.floor(rng() * 3); i < n; i++) remoteGapOp(rng, s);
    const tombstones = s.remoteChanges.filter((c) => c.deleted);
    return {
        input: {
            baseline: rows,
            remote: [...s.remoteListing, ...tombstones],
            platform: s.platform,
            policy: pick(rng, POLICIES),
            driveItemCount: 100,
            options: RESUME_OPTIONS,
        },
        crossFolder,
    };
}

function partialBaseline(rng: Rng, all: readonly BaselineEntry[]): BaselineEntry[] {
    const depth = (b: BaselineEntry) => b.platformPath.split('/').length;
    const kept = new Set<string>();
    const rows: BaselineEntry[] = [];
    for (const b of [...all].sort((x, y) => depth(x) - depth(y))) {
        const slash = b.platformPath.lastIndexOf('/');
        const parent = slash < 0 ? '' : b.platformPath.slice(0, slash);
        if ((parent === '' || kept.has(parent)) && rng() < 0.65) {
            kept.add(b.platformPath);
            rows.push(b);
        }
    }
    return rows;
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** One platform change; true for a move to another folder. */
function platformGapOp(rng: Rng, s: Scenario): boolean {
    const items = s.platform;
    const folders = ['', ...items.filter((e) => e.isFolder).map((e) => e.path)];
    const files = items.filter((e) => !e.isFolder);
    const free = (parent: string) => {
        const path = parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        return items.some((e) => e.path === path) ? undefined : path;
    };
    const op = Math.floor(rng() * 6);
    if (op === 0 && files.length > 0) s.platformEdit(pick(rng, files).path, pick(rng, CONTENTS));
    else if (op === 1 && items.length > 0) s.platformDelete(pick(rng, items).path);
    else if (op === 2 && items.length > 0) {
        const item = pick(rng, items);
        const to = free(parentOf(item.path));
        if (to) s.platformMove(item.path, to);
    } else if (op === 3) {
        const to = free(pick(rng, folders));
        if (to) s.platformCreate(to, rng() < 0.3 ? null : pick(rng, CONTENTS));
    } else if (op === 4 && files.length > 0) s.platformTouch(pick(rng, files).path);
    else if (op === 5 && items.length > 0) {
        const item = pick(rng, items);
        const to = free(
            pick(
                rng,
                folders.filter((f) => f !== item.path && !f.startsWith(`${item.path}/`)),
            ),
        );
        if (!to) return false;
        s.platformMove(item.path, to);
        return parentOf(to) !== parentOf(item.path);
    }
    return false;
}

/**
 * One SharePoint change the resumed listing shows. Renames stay in their folder: a resume reads the
 * first attempt's listing, where only its last page (read again) can show a move made since, and a
 * move to another folder is planned in the row's batch without the destination's other children
 * (README: the known limit).
 */
function remoteGapOp(rng: Rng, s: Scenario): void {
    const items = s.remoteListing;
    const folders = ['', ...items.filter((e) => e.isFolder).map((e) => e.path)];
    const files = items.filter((e) => !e.isFolder);
    const op = Math.floor(rng() * 4);
    if (op === 0) {
        const parent = pick(rng, folders);
        const path = parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        if (!items.some((e) => e.path.toLowerCase() === path.toLowerCase()))
            s.remoteCreate(path, rng() < 0.3 ? null : pick(rng, CONTENTS), `new-${path}-${Math.floor(rng() * 1e6)}`);
    } else if (op === 1 && files.length > 0) s.remoteEdit(pick(rng, files).path, pick(rng, CONTENTS));
    else if (op === 2 && items.length > 0) s.remoteDelete(pick(rng, items).path, rng() < 0.5);
    else if (op === 3 && items.length > 0) {
        const item = pick(rng, items);
        const parent = parentOf(item.path);
        const to = parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        if (!items.some((e) => e.path.toLowerCase() === to.toLowerCase())) s.remoteMove(item.path, to);
    }
}
