import { quickXorHash } from '../../../../lib/hash/quickxorhash';
import { maybeEnrich } from '../content/enrichment';
import { GraphError, nameAlreadyExists } from '../http/errors';
import type { SimState } from '../model/state';
import { truncateToSecond } from '../model/time';
import type { IdentitySet, SimDrive, SimItem } from '../model/types';
import { checkName, checkPathLength, extensionOf, mimeTypeOf, ONENOTE_EXTENSIONS, renamedCandidate } from './names';

/**
 * Every change to the tree goes through here, so tags, versions, the delta sequence and change
 * notifications stay consistent whichever route (Graph, upload session, test API) made it.
 */
export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export function parseConflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
    if (value === undefined || value === null || value === '') return fallback;
    if (value === 'fail' || value === 'replace' || value === 'rename') return value;
    throw new GraphError(
        400,
        'invalidRequest',
        `Invalid value for @microsoft.graph.conflictBehavior: ${String(value)}`,
    );
}

export function liveChildren(state: SimState, folder: SimItem): SimItem[] {
    const ids = state.children.get(folder.id);
    if (!ids) return [];
    return [...ids]
        .map((id) => state.items.get(id) as SimItem)
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.name.localeCompare(b.name));
}

/** Names are unique per folder, case-insensitively. */
export function findChild(state: SimState, folder: SimItem, name: string): SimItem | undefined {
    const lower = name.toLowerCase();
    for (const id of state.children.get(folder.id) ?? []) {
        const child = state.items.get(id) as SimItem;
        if (child.name.toLowerCase() === lower) return child;
    }
    return undefined;
}

/** Names from the root down, root excluded. */
export function namesFromRoot(state: SimState, item: SimItem): string[] {
    const names: string[] = [];
    for (let at: SimItem | undefined = item; at && at.parentId; at = state.items.get(at.parentId))
        names.unshift(at.name);
    return names;
}

export function ancestors(state: SimState, item: SimItem): SimItem[] {
    const chain: SimItem[] = [];
    for (let id = item.parentId; id;) {
        const parent = state.items.get(id) as SimItem;
        chain.unshift(parent);
        id = parent.parentId;
    }
    return chain;
}

export function isAncestor(state: SimState, maybeAncestor: SimItem, item: SimItem): boolean {
    return ancestors(state, item).some((a) => a.id === maybeAncestor.id);
}

/** Resolves `a/b/c` (already decoded, `/`-separated) below `base`; undefined if any step is missing. */
export function resolveRelative(state: SimState, base: SimItem, relative: string): SimItem | undefined {
    let at: SimItem | undefined = base;
    for (const name of relative.split('/').filter((s) => s.length > 0)) {
        if (!at || !at.isFolder) return undefined;
        at = findChild(state, at, name);
    }
    return at;
}

/** Records a change: tags, delta sequence, personal folders' cTags, and listeners. */
export function stamp(state: SimState, item: SimItem, kind: 'content' | 'metadata' | 'delete'): void {
    const drive = state.drives.get(item.driveId) as SimDrive;
    item.eTagVersion++;
    if (kind === 'content') item.cTagVersion++;
    item.seq = ++drive.seq;
    drive.seqLog.push({ seq: item.seq, at: state.now() });
    if (drive.driveType === 'personal' && kind !== 'metadata') {
        // Personal folders' cTag tracks descendants' content; their eTag does not move.
        for (const folder of ancestors(state, item)) folder.cTagVersion++;
    }
    state.driveChanged(drive);
}

export interface NewItemInput {
    name: string;
    isFolder: boolean;
    content?: Buffer;
    by: IdentitySet;
    conflictBehavior: ConflictBehavior;
    fsCreatedAt?: number;
    fsModifiedAt?: number;
    description?: string;
}

/** Creates a file or folder, or replaces an existing file's content (conflictBehavior=replace). */
export function putItem(state: SimState, parent: SimItem, input: NewItemInput): { item: SimItem; created: boolean } {
    const drive = state.drives.get(parent.driveId) as SimDrive;
    if (!parent.isFolder || parent.deletedAt !== undefined)
        throw new GraphError(400, 'invalidRequest', 'The parent is not a folder.');
    checkName(input.name, { isFolder: input.isFolder, atLibraryRoot: !parent.parentId, driveType: drive.driveType });
    let name = input.name;
    const existing = findChild(state, parent, name);
    if (existing) {
        if (input.conflictBehavior === 'fail') throw nameAlreadyExists(name);
        if (input.conflictBehavior === 'replace') {
            if (existing.isFolder !== input.isFolder) throw nameAlreadyExists(name);
            if (existing.isFolder) return { item: existing, created: false };
            replaceContent(state, existing, input.content ?? Buffer.alloc(0), input.by, input);
            return { item: existing, created: false };
        }
        for (let n = 1; findChild(state, parent, name); n++) name = renamedCandidate(input.name, n);
    }
    checkPathLength(drive, [...namesFromRoot(state, parent), name].join('/'));
    const now = state.now();
    const content = input.isFolder ? Buffer.alloc(0) : (input.content ?? Buffer.alloc(0));
    const item: SimItem = {
        id:
            drive.driveType === 'personal'
                ? `${drive.id.toUpperCase()}!${drive.seq + 101}`
                : state.ids.businessItemId(),
        driveId: drive.id,
        parentId: parent.id,
        name,
        isFolder: input.isFolder,
        content,
        quickXorHash: quickXorHash(content),
        mimeType: mimeTypeOf(name, drive.driveType),
        guid: state.ids.guid().toUpperCase(),
        eTagVersion: 0,
        cTagVersion: 0,
        versions: input.isFolder ? 0 : 1,
        createdAt: now,
        modifiedAt: now,
        fsCreatedAt: truncateToSecond(input.fsCreatedAt ?? now),
        fsModifiedAt: truncateToSecond(input.fsModifiedAt ?? now),
        createdBy: input.by,
        modifiedBy: input.by,
        description: input.description,
        seq: 0,
    };
    // OneNote's files carry no hashes (abraunegg `src/sync.d`: "will not have any hash entry").
    if (!item.isFolder && ONENOTE_EXTENSIONS.includes(extensionOf(name))) item.hashless = true;
    state.items.set(item.id, item);
    if (item.isFolder) state.children.set(item.id, new Set());
    (state.children.get(parent.id) as Set<string>).add(item.id);
    stamp(state, item, 'content');
    maybeEnrich(state, item);
    return { item, created: true };
}

export function replaceContent(
    state: SimState,
    item: SimItem,
    content: Buffer,
    by: IdentitySet,
    fs: { fsCreatedAt?: number; fsModifiedAt?: number } = {},
): void {
    if (item.checkedOut)
        throw new GraphError(
            423,
            'resourceLocked',
            'The resource you are attempting to access is locked',
            'lockMismatch',
        );
    const now = state.now();
    item.content = content;
    item.quickXorHash = quickXorHash(content);
    item.reported = undefined;
    item.versions++;
    item.modifiedAt = now;
    item.modifiedBy = by;
    item.fsModifiedAt = truncateToSecond(fs.fsModifiedAt ?? now);
    if (fs.fsCreatedAt !== undefined) item.fsCreatedAt = truncateToSecond(fs.fsCreatedAt);
    stamp(state, item, 'content');
    maybeEnrich(state, item);
}

/** SharePoint's post-upload rewrite ("enrichment") lives with the content routes. */
export { enrich, maybeEnrich } from '../content/enrichment';

export function renameOrMove(
    state: SimState,
    item: SimItem,
    change: { name?: string; parent?: SimItem },
    by: IdentitySet,
): void {
    if (!item.parentId) throw new GraphError(400, 'invalidRequest', 'Cannot rename or move the root.');
    const drive = state.drives.get(item.driveId) as SimDrive;
    const newParent = change.parent ?? (state.items.get(item.parentId) as SimItem);
    const newName = change.name ?? item.name;
    if (newParent.id === item.id || isAncestor(state, item, newParent)) {
        throw new GraphError(400, 'invalidRequest', 'Cannot move a folder into itself or one of its descendants.');
    }
    checkName(newName, { isFolder: item.isFolder, atLibraryRoot: !newParent.parentId, driveType: drive.driveType });
    const clash = findChild(state, newParent, newName);
    if (clash && clash.id !== item.id) throw nameAlreadyExists(newName);
    checkPathLength(drive, [...namesFromRoot(state, newParent), newName].join('/'));
    if (newParent.id !== item.parentId) {
        state.children.get(item.parentId)?.delete(item.id);
        (state.children.get(newParent.id) as Set<string>).add(item.id);
        item.parentId = newParent.id;
    }
    item.name = newName;
    item.mimeType = item.isFolder ? item.mimeType : mimeTypeOf(newName, drive.driveType);
    item.modifiedAt = state.now();
    item.modifiedBy = by;
    // Only the item itself changes: descendants keep their seq, so delta does not re-emit them.
    stamp(state, item, 'metadata');
}

/** Sends the item (and its subtree) to the recycle bin; delta then reports tombstones. */
export function deleteItem(state: SimState, item: SimItem): void {
    if (!item.parentId) throw new GraphError(403, 'accessDenied', 'Cannot delete the root of a drive.');
    if (item.checkedOut)
        throw new GraphError(
            423,
            'resourceLocked',
            'The resource you are attempting to access is locked',
            'lockMismatch',
        );
    if (item.retentionHold && item.isFolder && (state.children.get(item.id)?.size ?? 0) > 0) {
        throw new GraphError(403, 'accessDenied', 'The item cannot be deleted because it is on hold.');
    }
    // Deepest first, so tombstones for children come before their folder's.
    for (const child of liveChildren(state, item)) deleteItem(state, child);
    state.children.get(item.parentId)?.delete(item.id);
    item.deletedAt = state.now();
    // A field-reported fault, off by default: delta never reports this delete (faults/deltaQuirks.ts).
    if (state.deltaQuirks.dropsTombstone()) item.tombstoneDropped = true;
    stamp(state, item, 'delete');
}
