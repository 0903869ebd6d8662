import { platformKey, remoteKey } from './model';
import { planSync } from './planSync';
import { compareText, foldPath, parentPath } from './paths';
import type { Action, ActionKind, BaselineEntry, Plan, PlanInput, PlatformEntry, RemoteEntry } from './types';

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
 *
 * A first sync cut short and resumed (engine/reconcile.ts) has rows for what it already synced: they
 * are a third side, grouped by the folder of their platform path, and a listed item that has a row goes
 * to its row's group whatever folder the listing puts it in (remoteGroup), so each item meets its row
 * in one batch and is planned three-way against it; an item without a row is merged as a first sync
 * merges it. Context folders bring their rows too, so every row hangs from its parent's row.
 */
export interface PlanBatch {
    remote: RemoteEntry[];
    platform: PlatformEntry[];
    /** The rows of the batch's items and of its context folders (empty on a fresh first sync). */
    baseline: BaselineEntry[];
    /** Planner item keys of the context folders: their actions belong to an earlier batch. */
    context: Set<string>;
}

/** The children of one folder (`key`, case-folded; '' is the drive root), on both sides, with their rows. */
export interface ItemGroup {
    key: string;
    remote: RemoteEntry[];
    platform: PlatformEntry[];
    /** Rows whose platform path is in this folder (a resumed first sync only). */
    baseline?: BaselineEntry[];
}

export interface GroupSource {
    /** Every group, each folder's before those below it. */
    groups(): AsyncIterable<ItemGroup>;
    /** The groups of a folder's subtree: its children's and every group below (case-folded path). */
    subtree(folder: string): AsyncIterable<ItemGroup>;
}

/** Every live folder of each side (and every folder row) by case-folded path: the context of a batch comes from here. */
export interface FolderIndex {
    remote: Map<string, RemoteEntry>;
    platform: Map<string, PlatformEntry>;
    /** Folder rows by case-folded platform path (a resumed first sync only). */
    baseline?: Map<string, BaselineEntry>;
}

/** The group an entry or a row belongs to: the case-folded folder that holds its path. */
export function groupOf(path: string): string {
    return foldPath(parentPath(path));
}

/**
 * The group of a listed item: its row's when it has one (`rowGroup`), so the two are planned in the
 * same batch even when the listing places the item elsewhere (a move the listing saw, a tombstone
 * whose path means nothing); else the folder the listing puts it in.
 */
export function remoteGroup(entry: RemoteEntry, rowGroup: string | undefined): string {
    return rowGroup ?? groupOf(entry.path);
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
        if (batch.count >= size) {
            yield batch.withContext(folders);
            batch = new BatchBuilder();
        }
    }
    if (batch.count > 0) yield batch.withContext(folders);
}

/** A group from entries in memory (tests, and the reference for what the staging table must yield). */
export function groupsInMemory(
    remote: readonly RemoteEntry[],
    platform: readonly PlatformEntry[],
    baseline: readonly BaselineEntry[] = [],
): GroupSource {
    const groups = new Map<string, ItemGroup>();
    const group = (key: string): ItemGroup => {
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { key, remote: [], platform: [] }));
        return g;
    };
    const rowGroups = new Map(baseline.map((b) => [b.remoteId, groupOf(b.platformPath)]));
    for (const b of baseline) (group(groupOf(b.platformPath)).baseline ??= []).push(b);
    for (const e of remote) group(remoteGroup(e, rowGroups.get(e.id))).remote.push(e);
    for (const e of platform) group(groupOf(e.path)).platform.push(e);
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
export function folderIndex(
    remote: readonly RemoteEntry[],
    platform: readonly PlatformEntry[],
    baseline: readonly BaselineEntry[] = [],
): FolderIndex {
    const index: FolderIndex = { remote: new Map(), platform: new Map() };
    for (const e of remote) if (e.isFolder && !e.deleted) index.remote.set(foldPath(e.path), e);
    for (const e of platform) if (e.isFolder) index.platform.set(foldPath(e.path), e);
    if (baseline.length > 0) index.baseline = new Map();
    for (const b of baseline) if (b.isFolder) index.baseline!.set(foldPath(b.platformPath), b);
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
 *
 * On a resume, a folder with a row that is gone from a side or moved (no platform folder at its path,
 * a tombstone, a listing that places it elsewhere) too, and where the listing places it: the planner
 * deletes it, or moves it, with everything below, and only its whole subtree tells what must survive (an item still to be copied
 * keeps the folder: fates.ts keepFoldersOfSurvivors), what it holds, and where its contents go.
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
    for (const b of group.baseline ?? []) if (b.isFolder) folder(b.platformPath);
    const tangled = new Set([...spellings].filter(([, paths]) => paths.size > 1).map(([folded]) => folded));
    for (const e of group.remote)
        if (!e.isFolder && !e.deleted && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    for (const e of group.platform) if (!e.isFolder && spellings.has(foldPath(e.path))) tangled.add(foldPath(e.path));
    for (const folded of unsettledFolderRows(group)) tangled.add(folded);
    return [...tangled];
}

/**
 * Folder rows of a group whose folder is gone from the platform, deleted or moved in SharePoint; and
 * when one is gone from the platform, the group's platform folders that have no row: one of them may
 * be it, renamed, which only the files below both tell (plan/platformView.ts locates a renamed folder
 * by its files).
 */
function unsettledFolderRows(group: ItemGroup): string[] {
    const rows = (group.baseline ?? []).filter((b) => b.isFolder);
    if (rows.length === 0) return [];
    const platformFolders = group.platform.filter((e) => e.isFolder).map((e) => foldPath(e.path));
    const onPlatform = new Set(platformFolders);
    const listed = new Map(group.remote.map((e) => [e.id, e]));
    const unsettled: string[] = [];
    for (const b of rows) {
        const folded = foldPath(b.platformPath);
        const remote = listed.get(b.remoteId);
        const moved = !!remote && !remote.deleted && foldPath(remote.path) !== folded;
        if (!onPlatform.has(folded) || !!remote?.deleted || moved) unsettled.push(folded);
        // What SharePoint lists below the folder's new place belongs with it too.
        if (moved) unsettled.push(foldPath(remote.path));
    }
    const rowFolders = new Set(rows.map((b) => foldPath(b.platformPath)));
    if (rows.some((b) => !onPlatform.has(foldPath(b.platformPath))))
        unsettled.push(...platformFolders.filter((folded) => !rowFolders.has(folded)));
    return unsettled;
}

class BatchBuilder {
    readonly batch: PlanBatch = { remote: [], platform: [], baseline: [], context: new Set() };
    count = 0;
    private readonly members = new Set<string>();
    private readonly contextDirs = new Set<string>();
    /** Folders whose chain the batch needs as context: its groups', and those where its moved items now are. */
    private readonly needed = new Set<string>();

    add(g: ItemGroup): void {
        for (const e of g.remote) this.members.add(remoteKey(e.id));
        for (const e of g.platform) this.members.add(platformKey(e.path));
        this.batch.remote.push(...g.remote);
        this.batch.platform.push(...g.platform);
        this.count += g.remote.length + g.platform.length;
        this.needed.add(g.key);
        for (const e of g.remote) if (!e.deleted && groupOf(e.path) !== g.key) this.needed.add(groupOf(e.path));
        if (!g.baseline) return;
        for (const b of g.baseline) this.members.add(remoteKey(b.remoteId));
        this.batch.baseline.push(...g.baseline);
        // Rows weigh on the planner as items do (and a batch of rows alone still forgets what is gone).
        this.count += g.baseline.length;
    }

    /**
     * The batch with the folders holding its groups and every folder above them, on each side where
     * they exist, with their rows; added once every group is in, so no member is taken for context.
     */
    withContext(folders: FolderIndex): PlanBatch {
        for (const folded of this.needed) this.addChain(folded, folders);
        return this.batch;
    }

    private addChain(folded: string, folders: FolderIndex): void {
        for (let dir = folded; dir !== '' && !this.contextDirs.has(dir); dir = foldPath(parentPath(dir))) {
            this.contextDirs.add(dir);
            const r = folders.remote.get(dir);
            const p = folders.platform.get(dir);
            const b = folders.baseline?.get(dir);
            // A folder whose own group is in this batch is planned here, not context.
            if (r && !this.members.has(remoteKey(r.id))) {
                this.batch.remote.push(r);
                this.batch.context.add(remoteKey(r.id));
            }
            if (p && !this.members.has(platformKey(p.path))) {
                this.batch.platform.push(p);
                this.batch.context.add(platformKey(p.path));
            }
            if (b && !this.members.has(remoteKey(b.remoteId))) {
                this.batch.baseline.push(b);
                this.batch.context.add(remoteKey(b.remoteId));
            }
        }
    }
}

/**
 * One batch planned. A fresh first sync merges (`firstSync`: no baseline, nothing deleted). A resume
 * plans the batch's rows three-way, as an incremental run plans the whole drive: `firstSync: false`,
 * and `resync: false` because the listing is older than the rows (a row whose item it does not list
 * was written after it, by an upload: unchanged in SharePoint, never unknown nor deleted); an item
 * without a row is new on its side and pairs by name with its counterpart, both versions kept if they
 * differ, as in a first sync (`resumedFirstSync`). The
 * caller's options give the rest (the big-delete guard spans the run: engine/runDeleteGuard.ts).
 */
export function planBatch(
    batch: PlanBatch,
    input: Omit<PlanInput, 'baseline' | 'remote' | 'platform'>,
    index: number,
    resume: boolean,
): Plan {
    const options = { ...input.options, firstSync: !resume, resync: false, resumedFirstSync: resume };
    const { remote, platform, baseline } = batch;
    return batchPlan(planSync({ ...input, baseline: resume ? baseline : [], remote, platform, options }), batch, index);
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
