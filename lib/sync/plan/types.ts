/**
 * Inputs and outputs of the three-way planner. Paths are drive-relative, '/'-separated, with no
 * leading slash (`Reports/2024/q1.xlsx`); the platform path of an item equals its SharePoint path
 * except where a conflict copy or a skipped name says otherwise.
 */

/** A driveItem as delta (or a full enumeration) returned it; keyed by `id` (graph-sync.md §1.3: track items by id). */
export interface RemoteEntry {
    id: string;
    parentId: string | null;
    name: string;
    /** Resolved by the caller from parent ids (delta omits parentReference.path); ignored on tombstones. */
    path: string;
    isFolder: boolean;
    eTag: string;
    /** Content-only tag; ODB/SPO omit it on folders and often in delta (§1.3, §1.4). */
    cTag?: string;
    /** Base64 QuickXorHash; never trust it on a tombstone (Personal reports the empty-content hash). */
    quickXorHash?: string;
    size: number;
    /** ISO 8601. */
    lastModified: string;
    deleted?: boolean;
    /**
     * With `deleted`: a baseline item a full listing did not list, given as a change when the listing
     * was reduced to its differences (remote/listingChanges.ts) and planned without `resync`:
     * 'deleted' when the listing proves absence (PlanOptions.unlistedDeleted), 'unknown' when it
     * does not (the item is uploaded again, as `resync` plans an unlisted one).
     */
    unlisted?: 'deleted' | 'unknown';
    /** Not a file or folder the sync copies (a OneNote notebook and what is inside it, a shortcut): skipped with this reason. */
    unsupported?: Unsupported;
}

/** Why a SharePoint item is left alone, in the words the run record shows (remote/unsupportedItems.ts). */
export interface Unsupported {
    rule: string;
    message: string;
    hint: string;
}

/** A blob (or a virtual folder implied by blob names) under the drive's prefix; keyed by `path`. */
export interface PlatformEntry {
    path: string;
    isFolder: boolean;
    /** Absent on virtual folders. */
    blobETag?: string;
    size: number;
    /** Base64 QuickXorHash of the blob's content, when the platform store has computed it. */
    contentHash?: string;
    lastModified: string;
    /** Set by the service's upload API: the blob changed since the last sync whatever its ETag says. */
    dirty?: boolean;
}

/** What both sides last agreed on; keyed by `remoteId`. */
export interface BaselineEntry {
    remoteId: string;
    platformPath: string;
    isFolder: boolean;
    remoteETag: string;
    remoteCTag?: string;
    /** The server's hash after upload (SharePoint may have rewritten the file: graph-sync.md §1.4 "enrichment"). */
    remoteHash?: string;
    remoteSize: number;
    platformETag?: string;
    platformSize: number;
    platformHash?: string;
}

export type ConflictPolicy = 'keep-both' | 'prefer-remote' | 'prefer-platform' | 'newest';

export interface PlanOptions {
    /** No trustworthy baseline yet: never delete, copy one-sided items, keep both on differences. */
    firstSync: boolean;
    /**
     * A first sync cut short, resumed with the rows it wrote (not a `firstSync`: planned three-way
     * against them): an item created on both sides that no row knows is merged as a first sync merges
     * it, both versions kept on differences whatever the policy (nothing says which is newer).
     */
    resumedFirstSync?: boolean;
    /** After a 410 (or for the periodic reconciliation listing): `remote` is a full enumeration, not a set of changes. */
    resync: boolean;
    /**
     * With `resync`: the full enumeration proves absence, so a baseline item it does not list was
     * deleted in SharePoint (and is deleted on the platform unless the platform changed it since). Set
     * for a 410 whose reason says the server's version wins (resyncRequired, resyncChangesApplyDifferences)
     * and for the reconciliation listing that finds deletes delta did not report; unset, an unlisted
     * item is uploaded again (resyncChangesUploadDifferences).
     */
    unlistedDeleted?: boolean;
    dryRun: boolean;
    bigDelete: { maxCount: number; maxPercent: number };
    /** ISO 8601; dates conflict copies (UTC). */
    now: string;
    /** Length of the library's decoded server-relative path, counted in the 400-character limit. */
    rootPathLength?: number;
}

export interface PlanInput {
    baseline: readonly BaselineEntry[];
    /** The changed entries from delta; a full listing when `firstSync` or `resync`. Last occurrence of an id wins. */
    remote: readonly RemoteEntry[];
    /** The full listing of the drive's prefix. */
    platform: readonly PlatformEntry[];
    policy: ConflictPolicy;
    driveItemCount: number;
    options: PlanOptions;
}

export type Side = 'remote' | 'platform';

/** `code` is stable and machine-readable; `message` is one sentence for people. */
export interface Reason {
    code: string;
    message: string;
}

/** Checked by the applier just before each write, so a change made after planning is never clobbered. */
export interface Preconditions {
    /** `If-Match` on the Graph call (eTag of the item as planned). */
    remoteIfMatch?: string;
    /** Expected blob ETag (`If-Match` on the blob write / delete). */
    platformIfMatch?: string;
    /** The target must not exist yet (`If-None-Match: *` / `conflictBehavior: fail`). */
    mustNotExist?: Side[];
}

interface ActionBase {
    /** Unique within the plan; stable for the same input. */
    id: string;
    /** The sync item the action belongs to (`id:<graph id>` or `path:<platform path>`). */
    item: string;
    reason: Reason;
    preconditions: Preconditions;
    /** Ids of actions that must have completed first (parents before children, vacate before reuse). */
    dependsOn: string[];
}

export interface CreateRemoteFolder extends ActionBase {
    kind: 'createRemoteFolder';
    path: string;
}

export interface CreatePlatformFolder extends ActionBase {
    kind: 'createPlatformFolder';
    path: string;
}

export interface Upload extends ActionBase {
    kind: 'upload';
    /** Platform blob to read. */
    from: string;
    /** Remote path to write. */
    path: string;
    /** Replace this item's content (by id); absent when a new item is created. */
    remoteId?: string;
    size: number;
    contentHash?: string;
}

export interface Download extends ActionBase {
    kind: 'download';
    remoteId: string;
    /** Platform path to write. */
    path: string;
    size: number;
    contentHash?: string;
}

export interface MoveRemote extends ActionBase {
    kind: 'renameRemote' | 'moveRemote';
    remoteId: string;
    from: string;
    path: string;
}

export interface MovePlatform extends ActionBase {
    kind: 'renamePlatform' | 'movePlatform';
    from: string;
    path: string;
    /** A folder moves with everything under it, in one action. */
    isFolder: boolean;
}

export interface DeleteRemote extends ActionBase {
    kind: 'deleteRemote';
    remoteId: string;
    path: string;
    isFolder: boolean;
    toRecycleBin: true;
}

export interface DeletePlatform extends ActionBase {
    kind: 'deletePlatform';
    path: string;
    isFolder: boolean;
    toRecycleBin: true;
}

/**
 * Both versions survive on both sides: the winner keeps `path`; the loser's content ends up at
 * `conflictPath` on both sides. Loser `platform`: copy the blob to conflictPath, upload it there, then
 * download the remote version to `path`. Loser `remote`: rename the remote item to conflictPath, download
 * it there, then upload the platform version to `path`.
 */
export interface ConflictKeepBoth extends ActionBase {
    kind: 'conflictKeepBoth';
    remoteId: string;
    /** The platform blob (before the action) holding the platform version. */
    platformPath: string;
    path: string;
    conflictPath: string;
    loser: Side;
}

export interface UpdateBaseline extends ActionBase {
    kind: 'updateBaseline';
    /** The baseline row to replace (by remote id), if any. */
    previousRemoteId?: string;
    /** The new row; `null` forgets the item. */
    entry: BaselineEntry | null;
}

export interface Skip extends ActionBase {
    kind: 'skip';
    side: Side;
    path: string;
    rule: string;
    hint: string;
}

/** A delete the big-delete guard held back for approval; `held` is what would have run. */
export interface HoldDelete extends ActionBase {
    kind: 'holdDelete';
    side: Side;
    path: string;
    held: DeleteRemote | DeletePlatform;
}

export type Action =
    | CreateRemoteFolder
    | CreatePlatformFolder
    | Upload
    | Download
    | MoveRemote
    | MovePlatform
    | DeleteRemote
    | DeletePlatform
    | ConflictKeepBoth
    | UpdateBaseline
    | Skip
    | HoldDelete;

export type ActionKind = Action['kind'];

export interface Plan {
    /** Ordered: every action comes after the actions it depends on. */
    actions: Action[];
    /** The big-delete guard held this plan's deletes (on at least one side). */
    heldDeletes: boolean;
    dryRun: boolean;
    counts: Partial<Record<ActionKind, number>>;
    /** Deletes planned per side before the guard ran (what the guard compared). */
    deletes: { remote: number; platform: number };
}
