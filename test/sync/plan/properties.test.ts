import { planSync } from '../../../lib/sync/plan';
import { Action, DeletePlatform, DeleteRemote, Plan, PlanInput, Side } from '../../../lib/sync/plan/types';
import { randomCase, seeded } from './randomScenarios';
import { describe1 } from './scenario';

const SCENARIOS = Number(process.env.PLAN_SCENARIOS ?? 600);
const BASE_SEED = Number(process.env.PLAN_SEED ?? 20240501);

describe('planSync invariants over random scenarios', () => {
    const cases = Array.from({ length: SCENARIOS }, (_, i) => BASE_SEED + i);

    it(`holds for ${SCENARIOS} seeded scenarios`, () => {
        let withActions = 0;
        for (const seed of cases) {
            const { scenario, options } = randomCase(seed);
            const input = scenario.input(options);
            const plan = planSync(input);
            if (plan.actions.length > 0) withActions++;
            try {
                checkInvariants(input, plan, seed);
            } catch (e) {
                throw new Error(
                    `seed ${seed}: ${(e as Error).message}\nplan:\n  ${plan.actions.map(describe1).join('\n  ')}`,
                );
            }
        }
        // The generator must actually exercise the planner.
        expect(withActions).toBeGreaterThan(SCENARIOS / 2);
    });
});

function checkInvariants(input: PlanInput, plan: Plan, seed: number): void {
    deletesNeedABaseline(input, plan);
    deletesNeedATombstone(input, plan);
    oneItemPerTarget(plan);
    conflictCopiesNeverOverwrite(input, plan);
    dependenciesComeFirst(plan);
    everyItemIsHandled(input, plan);
    deterministic(input, plan, seed);
}

function deletesOf(plan: Plan): (DeleteRemote | DeletePlatform)[] {
    return plan.actions.flatMap((a) =>
        a.kind === 'holdDelete' ? [a.held] : a.kind === 'deleteRemote' || a.kind === 'deletePlatform' ? [a] : [],
    );
}

function deletesNeedABaseline(input: PlanInput, plan: Plan): void {
    const deletes = deletesOf(plan);
    if (input.options.firstSync) expect(deletes).toEqual([]);
    const ids = new Set(input.baseline.map((b) => b.remoteId));
    for (const d of deletes) {
        expect(d.item.startsWith('id:') && ids.has(d.item.slice(3))).toBe(true);
        expect(d.toRecycleBin).toBe(true);
    }
}

/** SharePoint-side deletes reach the platform only through tombstones, never through absence. */
function deletesNeedATombstone(input: PlanInput, plan: Plan): void {
    const tombstoned = new Set(input.remote.filter((r) => r.deleted).map((r) => r.id));
    const byId = new Map(input.baseline.map((b) => [b.remoteId, b]));
    const tombstonedPaths = [...tombstoned]
        .map((id) => byId.get(id)?.platformPath)
        .filter((p): p is string => p !== undefined);
    for (const d of deletesOf(plan).filter((x) => x.kind === 'deletePlatform')) {
        const base = byId.get(d.item.slice(3));
        const explicit = tombstoned.has(d.item.slice(3));
        const viaAncestor =
            !input.options.resync && tombstonedPaths.some((p) => base?.platformPath.startsWith(`${p}/`));
        expect(explicit || viaAncestor).toBe(true);
    }
}

function targetsOf(a: Action): { side: Side; path: string }[] {
    switch (a.kind) {
        case 'upload':
        case 'createRemoteFolder':
        case 'renameRemote':
        case 'moveRemote':
            return [{ side: 'remote', path: a.path }];
        case 'download':
        case 'createPlatformFolder':
        case 'renamePlatform':
        case 'movePlatform':
            return [{ side: 'platform', path: a.path }];
        case 'conflictKeepBoth':
            return (['remote', 'platform'] as const).flatMap((side) => [
                { side, path: a.path },
                { side, path: a.conflictPath },
            ]);
        default:
            return [];
    }
}

/** SharePoint compares names case-insensitively; the platform's blob names do not. */
function slot(side: Side, path: string): string {
    return `${side}:${side === 'remote' ? path.toLowerCase() : path}`;
}

function oneItemPerTarget(plan: Plan): void {
    const owner = new Map<string, string>();
    for (const a of plan.actions) {
        for (const t of targetsOf(a)) {
            const key = slot(t.side, t.path);
            const existing = owner.get(key);
            if (existing !== undefined && existing !== a.item)
                throw new Error(`${key} targeted by ${existing} and ${a.item}`);
            owner.set(key, a.item);
        }
    }
}

function conflictCopiesNeverOverwrite(input: PlanInput, plan: Plan): void {
    const existing = new Set([
        ...input.platform.map((p) => p.path.toLowerCase()),
        ...input.remote.filter((r) => !r.deleted).map((r) => r.path.toLowerCase()),
        ...input.baseline.map((b) => b.platformPath.toLowerCase()),
    ]);
    for (const a of plan.actions) {
        const copies =
            a.kind === 'conflictKeepBoth'
                ? [a.conflictPath]
                : a.reason.code === 'name_taken' && 'path' in a
                  ? [a.path]
                  : [];
        for (const copy of copies) {
            expect(copy).toMatch(/\(conflict 2024-05-01 from (SharePoint|Platform)( \d+)?\)/);
            if (existing.has(copy.toLowerCase()))
                throw new Error(`conflict copy ${copy} would overwrite an existing item`);
        }
    }
}

function dependenciesComeFirst(plan: Plan): void {
    const seen = new Set<string>();
    for (const a of plan.actions) {
        expect(seen.has(a.id)).toBe(false);
        for (const d of a.dependsOn)
            if (!seen.has(d)) throw new Error(`${a.id} (${describe1(a)}) runs before its dependency ${d}`);
        seen.add(a.id);
    }
}

/** Every item on either side gets an action, sits under one that does, or is already in sync. */
function everyItemIsHandled(input: PlanInput, plan: Plan): void {
    const platformMentions = new Set<string>();
    const platformSubtrees: string[] = [];
    const remoteMentions = new Set<string>();
    const remoteSubtrees: string[] = [];
    for (const a of plan.actions) {
        remoteMentions.add(a.item.replace(/^id:/, ''));
        platformMentions.add(a.item.replace(/^path:/, ''));
        if ('remoteId' in a && a.remoteId) remoteMentions.add(a.remoteId);
        // An action placing an item at a path handles whatever sits there on the other side too.
        if ('path' in a) {
            platformMentions.add(a.path);
            remoteMentions.add(a.path);
        }
        if ('from' in a) remoteMentions.add(a.from);
        if (a.kind === 'updateBaseline') {
            if (a.entry) {
                remoteMentions.add(a.entry.remoteId);
                platformMentions.add(a.entry.platformPath);
            }
            if (a.previousRemoteId) remoteMentions.add(a.previousRemoteId);
        }
        if (a.kind === 'upload' || a.kind === 'renamePlatform' || a.kind === 'movePlatform')
            platformMentions.add(a.from);
        if (a.kind === 'conflictKeepBoth') platformMentions.add(a.platformPath);
        if (a.kind === 'download' || a.kind === 'deletePlatform') platformMentions.add(a.path);
        if (a.kind === 'renamePlatform' || a.kind === 'movePlatform' || a.kind === 'deletePlatform')
            platformSubtrees.push(a.kind === 'deletePlatform' ? a.path : a.from);
        if (a.kind === 'renameRemote' || a.kind === 'moveRemote') remoteSubtrees.push(a.from);
        if (a.kind === 'deleteRemote') remoteSubtrees.push(a.path);
        if (a.kind === 'skip' || a.kind === 'holdDelete') {
            platformSubtrees.push(a.path);
            remoteSubtrees.push(a.path);
        }
    }
    const under = (path: string, roots: string[]) => roots.some((r) => path.startsWith(`${r}/`));
    const changed = new Map(input.remote.map((r) => [r.id, r]));
    const full = input.options.firstSync || input.options.resync;
    const inSync = (platformPath: string) => {
        const b = input.baseline.find((x) => x.platformPath === platformPath);
        const p = input.platform.find((x) => x.path === platformPath);
        if (!b || !p || input.options.firstSync) return false;
        const r = changed.get(b.remoteId);
        const remoteSame = full
            ? r !== undefined && !r.deleted && r.eTag === b.remoteETag
            : r === undefined || r.eTag === b.remoteETag;
        return remoteSame && (p.isFolder || (p.blobETag === b.platformETag && !p.dirty));
    };
    for (const p of input.platform) {
        if (platformMentions.has(p.path) || under(p.path, platformSubtrees) || inSync(p.path)) continue;
        // A folder is also handled through its contents (a folder rename moves them all).
        if (p.isFolder && [...platformMentions].some((m) => m.startsWith(`${p.path}/`))) continue;
        if (
            under(
                p.path,
                [...platformMentions].filter((m) => input.platform.some((q) => q.isFolder && q.path === m)),
            )
        )
            continue;
        throw new Error(`platform item ${p.path} has no action and is not in sync`);
    }
    for (const r of input.remote.filter((x) => !x.deleted)) {
        const b = input.baseline.find((x) => x.remoteId === r.id);
        if (
            remoteMentions.has(r.id) ||
            remoteMentions.has(r.path) ||
            under(r.path, remoteSubtrees) ||
            (b && r.eTag === b.remoteETag && inSync(b.platformPath))
        )
            continue;
        throw new Error(`remote item ${r.path} (${r.id}) has no action and is not in sync`);
    }
}

function deterministic(input: PlanInput, plan: Plan, seed: number): void {
    expect(planSync(input)).toEqual(plan);
    const rng = seeded(seed ^ 0x5eed);
    const shuffle = <T>(list: readonly T[]): T[] => {
        const copy = [...list];
        for (let i = copy.length - 1; i > 0; i--) {
            const j = Math.floor(rng() * (i + 1));
            [copy[i], copy[j]] = [copy[j], copy[i]];
        }
        return copy;
    };
    const shuffled = {
        ...input,
        baseline: shuffle(input.baseline),
        platform: shuffle(input.platform),
        remote: shuffle(input.remote),
    };
    expect(planSync(shuffled)).toEqual(plan);
}
