import { platformKey, remoteKey } from './model';
import { compareText, foldPath, parentPath } from './paths';
import type { Action, ActionKind, Plan, PlatformEntry, RemoteEntry } from './types';

/**
 * A first sync planned in bounded pieces, so its memory does not grow with the drive: the items are
 * grouped by the folder that holds them (case-folded, as SharePoint compares), and consecutive groups
 * form a batch of about `size` items. Groups come parents first, so a folder is created (or paired)
 * by an earlier batch than its contents.
 *
 * Everything the planner compares lives in one group: an item's counterpart on the other side and
 * its siblings (pairing, case collisions, name rules) are children of the same folder. What a batch
 * needs besides is its groups' ancestor folders, so every item has a parent to hang from: those come
 * as context, on each side where they exist, and the actions the planner derives for them are dropped
 * (their own batch already carried them out).
 *
 * The groups are read from a source (the first-sync staging table, state/firstSyncStaging.ts), and
 * the folders from an index held in memory: nothing here holds more than a batch of items.
 */
export interface PlanBatch {
    remote: RemoteEntry[];
    platform: PlatformEntry[];
    /** Planner item keys of the context folders: their actions belong to an earlier batch. */
    context: Set<string>;
}

/** The children of one folder (`key`, case-folded; '' is the drive root), on both sides. */
export interface ItemGroup {
    key: string;
    remote: RemoteEntry[];
    platform: PlatformEntry[];
}

export interface GroupSource {
    /** Every group, each folder's before those below it. */
    groups(): AsyncIterable<ItemGroup>;
    /** The groups of a folder's subtree: its children's and every group below (case-folded path). */
    subtree(folder: string): AsyncIterable<ItemGroup>;
}

/** Every live folder of each side by case-folded path: the context of a batch comes from here. */
export interface FolderIndex {
    remote: Map<string, RemoteEntry>;
    platform: Map<string, PlatformEntry>;
}

export async function* firstSyncBatches(
    source: GroupSource,
    folders: FolderIndex,
    size: number,
): AsyncGenerator<PlanBatch> {
    // Tangled folders whose whole subtree went into the batch of their parent's group.
    const pulled = new Set<string>();
    let batch = new BatchBuilder();
    for await (const raw of source.groups()) {
        if (isUnder(raw.key, pulled)) continue;
        const group = settled(raw, folders);
        batch.add(group);
        for (const folder of tangledChildren(group)) {
            pulled.add(folder);
            for await (const below of source.subtree(folder)) batch.add(settled(below, folders));
        }
        batch.addContext(group.key, folders);
        if (batch.count >= size) {
            yield batch.batch;
            batch = new BatchBuilder();
        }
    }
    if (batch.count > 0) yield batch.batch;
}

/** A group from entries in memory (tests, and the reference for what the staging table must yield). */
export function groupsInMemory(remote: readonly RemoteEntry[], platform: readonly PlatformEntry[]): GroupSource {
    const groups = new Map<string, ItemGroup>();
    const group = (path: string): ItemGroup => {
        const key = foldPath(parentPath(path));
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { key, remote: [], platform: [] }));
        return g;
    };
    for (const e of remote) group(e.path).remote.push(e);
    for (const e of platform) group(e.path).platform.push(e);
    const sorted = () => [...groups.values()].sort((a, b) => compareText(a.key, b.key));
    return {
        groups: async function* () {
            yield* sorted();
        },
        subtree: async function* (folder: string) {
            yield* sorted().filter((g) => g.key === folder || g.key.startsWith(`${folder}/`));
        },
    };
}

/** The folder index of entries in memory (tests; the engine builds it while staging). */
export function folderIndex(remote: readonly RemoteEntry[], platform: readonly PlatformEntry[]): FolderIndex {
    const index: FolderIndex = { remote: new Map(), platform: new Map() };
    for (const e of remote) if (e.isFolder && !e.deleted) index.remote.set(foldPath(e.path), e);
    for (const e of platform) if (e.isFolder) index.platform.set(foldPath(e.path), e);
    return index;
}

function isUnder(key: string, folders: ReadonlySet<string>): boolean {
    if (folders.size === 0) return false;
    for (let dir = key; dir !== ''; dir = parentPath(dir)) if (folders.has(dir)) return true;
    return false;
}

/**
 * One entry per platform path, in path order. A streamed listing may name a path twice: a file and
 * the virtual folder a deeper blob implies (the file came first and wins, as in the full listing);
 * the folder index then loses that folder too.
 */
function settled(group: ItemGroup, folders: FolderIndex): ItemGroup {
    const seen = new Set<string>();
    const platform: PlatformEntry[] = [];
    for (const e of group.platform) {
        if (!seen.has(e.path)) {
            seen.add(e.path);
            platform.push(e);
        } else if (e.isFolder && folders.platform.get(foldPath(e.path))?.path === e.path) {
            folders.platform.delete(foldPath(e.path));
        }
    }
    platform.sort((a, b) => compareText(a.path, b.path));
    return { ...group, platform };
}

/**
 * Child folders whose fate can change their contents' paths: spelled differently on the two sides
 * (case), spelled twice on the platform, or sharing a name with a file. The planner may rename such a
 * folder (a conflict copy, a case fix), and a later batch, seeing the folder only as context, would
 * not know: so their subtrees are planned with this group. All of it is visible in the group itself.
 */
function tangledChildren(group: ItemGroup): string[] {
    const spellings = new Map<string, Set<string>>();
    const folder = (path: string) => {
        const folded = foldPath(path);
        const seen = spellings.get(folded) ?? new Set<string>();
        seen.add(path);
        spellings.set(folded, seen);
    };
    for (const e of group.remote) if (e.isFolder && !e.deleted) folder(e.path);
    for (const e of group.platform) if (e.isFolder) folder(e.path);
    const tangled = new Set([...spellings].filter(([, paths]) => paths.size > 1).map(([folded]) => folded));
    for (const e of group.remote)
        if (!e.isFolder && !e.deleted && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    for (const e of group.platform) if (!e.isFolder && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    return [...tangled];
}

class BatchBuilder {
    readonly batch: PlanBatch = { remote: [], platform: [], context: new Set() };
    count = 0;
    private readonly members = new Set<string>();
    private readonly contextDirs = new Set<string>();

    add(g: ItemGroup): void {
        for (const e of g.remote) this.members.add(remoteKey(e.id));
        for (const e of g.platform) this.members.add(platformKey(e.path));
        this.batch.remote.push(...g.remote);
        this.batch.platform.push(...g.platform);
        this.count += g.remote.length + g.platform.length;
    }

    /** The folder holding a group and every folder above it, on each side where it exists. */
    addContext(folded: string, folders: FolderIndex): void {
        for (let dir = folded; dir !== '' && !this.contextDirs.has(dir); dir = foldPath(parentPath(dir))) {
            this.contextDirs.add(dir);
            const r = folders.remote.get(dir);
            const p = folders.platform.get(dir);
            // A folder whose own group is in this batch is planned here, not context.
            if (r && !this.members.has(remoteKey(r.id))) {
                this.batch.remote.push(r);
                this.batch.context.add(remoteKey(r.id));
            }
            if (p && !this.members.has(platformKey(p.path))) {
                this.batch.platform.push(p);
                this.batch.context.add(platformKey(p.path));
            }
        }
    }
}

/**
 * A batch's plan without the context folders' actions, with action ids made unique across the run
 * (transfer ids derive from them): batch 0 keeps the planner's ids, batch n prefixes `b<n>`.
 */
export function batchPlan(plan: Plan, batch: PlanBatch, index: number): Plan {
    const dropped = new Set(plan.actions.filter((a) => batch.context.has(a.item)).map((a) => a.id));
    const id = (s: string) => (index === 0 ? s : `b${index}${s}`);
    const actions: Action[] = plan.actions
        .filter((a) => !dropped.has(a.id))
        .map((a) => ({ ...a, id: id(a.id), dependsOn: a.dependsOn.filter((d) => !dropped.has(d)).map(id) }));
    const counts: Partial<Record<ActionKind, number>> = {};
    for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    return { ...plan, actions, counts };
}
