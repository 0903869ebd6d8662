import { ConflictPolicy } from '../../../lib/sync/plan/types';
import { mulberry32 as seeded } from '../../support/prng';
import { PlanOverrides, Scenario } from './scenario';

export { seeded };

export type Rng = () => number;
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const chance = (rng: Rng, p: number) => rng() < p;

export const NAMES = ['a', 'b', 'B', 'c.txt', 'C.TXT', 'd.docx', 'e', 'f.txt'];
const PLATFORM_ONLY_NAMES = ['x:y.txt', 'CON', '~$lock.docx', 'trail.'];
export const CONTENTS = ['one', 'two', 'three', 'four'];
export const POLICIES: ConflictPolicy[] = ['keep-both', 'prefer-remote', 'prefer-platform', 'newest'];

export interface RandomCase {
    scenario: Scenario;
    options: PlanOverrides;
}

/** A random synced tree, random edits on both sides (valid on each), random run options. */
export function randomCase(seed: number): RandomCase {
    const rng = seeded(seed);
    const tree: Record<string, string | null> = {};
    const folders = [''];
    for (let i = 0, n = Math.floor(rng() * 9); i < n; i++) {
        const parent = pick(rng, folders);
        const path = parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        if (Object.keys(tree).some((p) => p.toLowerCase() === path.toLowerCase())) continue;
        const isFolder = chance(rng, 0.35);
        tree[path] = isFolder ? null : pick(rng, CONTENTS);
        if (isFolder) folders.push(path);
    }
    const scenario = new Scenario(tree);
    const firstSync = chance(rng, 0.1);
    if (firstSync && chance(rng, 0.5)) scenario.withoutBaseline();
    for (let i = 0, n = Math.floor(rng() * 6); i < n; i++) remoteOp(rng, scenario);
    for (let i = 0, n = Math.floor(rng() * 6); i < n; i++) platformOp(rng, scenario);
    const resync = !firstSync && chance(rng, 0.15);
    return {
        scenario,
        options: {
            firstSync,
            resync,
            tombstones: chance(rng, 0.5),
            policy: pick(rng, POLICIES),
            bigDelete: { maxCount: Math.floor(rng() * 4), maxPercent: Math.floor(rng() * 60) },
        },
    };
}

export function remoteOp(rng: Rng, s: Scenario): void {
    const items = s.remoteListing.map((e) => e);
    const folders = ['', ...items.filter((e) => e.isFolder).map((e) => e.path)];
    const files = items.filter((e) => !e.isFolder);
    const freeName = (parent: string) => {
        const name = pick(rng, NAMES);
        const path = parent === '' ? name : `${parent}/${name}`;
        return items.some((e) => e.path.toLowerCase() === path.toLowerCase()) ? undefined : path;
    };
    const op = Math.floor(rng() * 5);
    if (op === 0) {
        const path = freeName(pick(rng, folders));
        if (path)
            s.remoteCreate(
                path,
                chance(rng, 0.3) ? null : pick(rng, CONTENTS),
                `new-${path}-${Math.floor(rng() * 1e6)}`,
            );
    } else if (op === 1 && files.length > 0) {
        s.remoteEdit(pick(rng, files).path, pick(rng, CONTENTS));
    } else if (op === 2 && items.length > 0) {
        s.remoteDelete(pick(rng, items).path, chance(rng, 0.5));
    } else if (op === 3 && items.length > 0) {
        const item = pick(rng, items);
        const target = freeName(
            pick(
                rng,
                folders.filter((f) => f !== item.path && !f.startsWith(`${item.path}/`)),
            ),
        );
        if (target) s.remoteMove(item.path, target);
    } else if (op === 4 && files.length > 0) {
        s.remoteTouch(pick(rng, files).path, chance(rng, 0.5));
    }
}

export function platformOp(rng: Rng, s: Scenario): void {
    const items = s.platform;
    const folders = ['', ...items.filter((e) => e.isFolder).map((e) => e.path)];
    const files = items.filter((e) => !e.isFolder);
    const freePath = (parent: string) => {
        const name = chance(rng, 0.1) ? pick(rng, PLATFORM_ONLY_NAMES) : pick(rng, NAMES);
        const path = parent === '' ? name : `${parent}/${name}`;
        return items.some((e) => e.path === path) ? undefined : path;
    };
    const op = Math.floor(rng() * 5);
    if (op === 0) {
        const path = freePath(pick(rng, folders));
        if (path) s.platformCreate(path, chance(rng, 0.3) ? null : pick(rng, CONTENTS));
    } else if (op === 1 && files.length > 0) {
        s.platformEdit(pick(rng, files).path, pick(rng, CONTENTS));
    } else if (op === 2 && items.length > 0) {
        s.platformDelete(pick(rng, items).path);
    } else if (op === 3 && items.length > 0) {
        const item = pick(rng, items);
        const target = freePath(
            pick(
                rng,
                folders.filter((f) => f !== item.path && !f.startsWith(`${item.path}/`)),
            ),
        );
        if (target) s.platformMove(item.path, target);
    } else if (op === 4 && files.length > 0) {
        s.platformTouch(pick(rng, files).path);
    }
}

/** A synced drive of a few dozen items in nested folders, names drawn from `names` (case clashes included). */
export function randomDrive(rng: Rng, names: readonly string[], size: { min: number; spread: number }): Scenario {
    const tree: Record<string, string | null> = {};
    const folders = [''];
    for (let i = 0, n = size.min + Math.floor(rng() * size.spread); i < n; i++) {
        const parent = pick(rng, folders);
        const name = pick(rng, names);
        const path = parent === '' ? name : `${parent}/${name}`;
        if (Object.keys(tree).some((p) => p.toLowerCase() === path.toLowerCase())) continue;
        const isFolder = chance(rng, 0.35);
        tree[path] = isFolder ? null : `content ${i % 4}`;
        if (isFolder) folders.push(path);
    }
    return new Scenario(tree);
}
