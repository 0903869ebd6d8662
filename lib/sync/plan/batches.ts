import { platformKey, remoteKey } from './model';
import { foldPath, parentPath } from './paths';
import { Action, ActionKind, Plan, PlatformEntry, RemoteEntry } from './types';

/**
 * A first sync planned in bounded pieces, so its memory does not grow with the drive: the items are
 * grouped by the folder that holds them (case-folded, as SharePoint compares), and consecutive groups
 * in path order form a batch of about `size` items. Parents sort before their children, so a
 * folder is created (or paired) by an earlier batch than its contents.
 *
 * Everything the planner compares lives in one group: an item's counterpart on the other side and
 * its siblings (pairing, case collisions, name rules) are children of the same folder. What a batch
 * needs besides is its groups' ancestor folders, so every item has a parent to hang from: those come
 * as context, on each side where they exist, and the actions the planner derives for them are dropped
 * (their own batch already carried them out).
 */
export interface PlanBatch {
    remote: RemoteEntry[];
    platform: PlatformEntry[];
    /** Planner item keys of the context folders: their actions belong to an earlier batch. */
    context: Set<string>;
}

interface Group {
    remote: RemoteEntry[];
    platform: PlatformEntry[];
}

export function* firstSyncBatches(remote: readonly RemoteEntry[], platform: readonly PlatformEntry[], size: number): Generator<PlanBatch> {
    const tangled = tangledFolders(remote, platform);
    const groups = new Map<string, Group>();
    const group = (path: string): Group => {
        const key = groupKey(path, tangled);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { remote: [], platform: [] }));
        return g;
    };
    for (const e of remote) group(e.path).remote.push(e);
    for (const e of platform) group(e.path).platform.push(e);
    const remoteFolders = foldersByFoldedPath(remote.filter((e) => e.isFolder && !e.deleted));
    const platformFolders = foldersByFoldedPath(platform.filter((e) => e.isFolder));

    let batch = new BatchBuilder();
    // Sorted, a folder's group (its parent's key) comes before the groups of its contents.
    for (const key of [...groups.keys()].sort()) {
        const g = groups.get(key) as Group;
        groups.delete(key);
        batch.add(g);
        batch.addContext(key, remoteFolders, platformFolders);
        if (batch.count >= size) {
            yield batch.batch;
            batch = new BatchBuilder();
        }
    }
    if (batch.count > 0) yield batch.batch;
}

/**
 * The folder group an entry is planned in: its parent's, unless it lies under a tangled folder, whose
 * whole subtree is then planned with it (the highest tangled ancestor's group).
 */
function groupKey(path: string, tangled: ReadonlySet<string>): string {
    let key = foldPath(parentPath(path));
    if (tangled.size === 0) return key;
    for (let dir = key; dir !== ''; dir = foldPath(parentPath(dir))) if (tangled.has(dir)) key = foldPath(parentPath(dir));
    return key;
}

/**
 * Folders whose fate can change their contents' paths: spelled differently on the two sides (case),
 * spelled twice on the platform, or sharing a name with a file. The planner may rename such a
 * folder (a conflict copy, a case fix), and a later batch, seeing the folder only as context, would
 * not know: so their subtrees are planned in one piece.
 */
function tangledFolders(remote: readonly RemoteEntry[], platform: readonly PlatformEntry[]): Set<string> {
    const spellings = new Map<string, string>();
    const tangled = new Set<string>();
    const folder = (path: string) => {
        const folded = foldPath(path);
        const seen = spellings.get(folded);
        if (seen === undefined) spellings.set(folded, path);
        else if (seen !== path) tangled.add(folded);
    };
    for (const e of remote) if (e.isFolder && !e.deleted) folder(e.path);
    for (const e of platform) if (e.isFolder) folder(e.path);
    for (const e of remote) if (!e.isFolder && !e.deleted && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    for (const e of platform) if (!e.isFolder && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    return tangled;
}

class BatchBuilder {
    readonly batch: PlanBatch = { remote: [], platform: [], context: new Set() };
    count = 0;
    private readonly members = new Set<RemoteEntry | PlatformEntry>();
    private readonly contextDirs = new Set<string>();

    add(g: Group): void {
        for (const e of g.remote) this.members.add(e);
        for (const e of g.platform) this.members.add(e);
        this.batch.remote.push(...g.remote);
        this.batch.platform.push(...g.platform);
        this.count += g.remote.length + g.platform.length;
    }

    /** The folder holding a group and every folder above it, on each side where it exists. */
    addContext(folded: string, remoteFolders: Map<string, RemoteEntry>, platformFolders: Map<string, PlatformEntry>): void {
        for (let dir = folded; dir !== '' && !this.contextDirs.has(dir); dir = foldPath(parentPath(dir))) {
            this.contextDirs.add(dir);
            const r = remoteFolders.get(dir);
            const p = platformFolders.get(dir);
            // A folder whose own group is in this batch is planned here, not context.
            if (r && !this.members.has(r)) {
                this.batch.remote.push(r);
                this.batch.context.add(remoteKey(r.id));
            }
            if (p && !this.members.has(p)) {
                this.batch.platform.push(p);
                this.batch.context.add(platformKey(p.path));
            }
        }
    }
}

function foldersByFoldedPath<T extends { path: string }>(entries: readonly T[]): Map<string, T> {
    const out = new Map<string, T>();
    for (const e of entries) out.set(foldPath(e.path), e);
    return out;
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
