import { EMPTY_QUICK_XOR_HASH } from '../../../../lib/hash/quickxorhash';
import type { SimState } from '../model/state';
import { isoSeconds } from '../model/time';
import type { ShortcutTarget, SimDrive, SimItem } from '../model/types';
import { liveChildren, namesFromRoot } from './operations';

/**
 * driveItem JSON as Graph v1.0 returns it. The differences between drive types and between GET and
 * delta are deliberate: they are what the sync engine has to cope with (graph-sync.md 1.3, 5.1, 5.2).
 */
export interface ItemView {
    /** Shape for a delta page: no parentReference.path, business omits cTag, tombstones trimmed. */
    delta?: boolean;
    /** Include `@microsoft.graph.downloadUrl` on files. */
    downloadUrl?: (item: SimItem) => string | undefined;
}

export const eTagOf = (item: SimItem): string => `"{${item.guid}},${item.eTagVersion}"`;
export const cTagOf = (item: SimItem): string => `"c:{${item.guid}},${item.cTagVersion}"`;

/** Encodes each path segment the way Graph does in `parentReference.path`. */
export function graphPath(state: SimState, folder: SimItem): string {
    const names = namesFromRoot(state, folder);
    const base = `/drives/${folder.driveId}/root:`;
    return names.length ? `${base}/${names.map(encodeURIComponent).join('/')}` : base;
}

export function webUrlOf(state: SimState, drive: SimDrive, item: SimItem): string {
    const names = namesFromRoot(state, item);
    return names.length ? `${drive.webUrl}/${names.map(encodeURIComponent).join('/')}` : drive.webUrl;
}

function folderSize(state: SimState, folder: SimItem): number {
    let total = 0;
    for (const child of liveChildren(state, folder))
        total += child.isFolder ? folderSize(state, child) : reportedSize(child);
    return total;
}

const reportedSize = (item: SimItem): number => item.reported?.size ?? item.content.length;

export function serializeItem(state: SimState, item: SimItem, view: ItemView = {}): Record<string, unknown> {
    const drive = state.drives.get(item.driveId) as SimDrive;
    if (item.deletedAt !== undefined && view.delta) return serializeTombstone(state, drive, item);
    const business = drive.driveType !== 'personal';
    const out: Record<string, unknown> = {};
    const url = !item.isFolder && item.deletedAt === undefined ? view.downloadUrl?.(item) : undefined;
    if (url) out['@microsoft.graph.downloadUrl'] = url;
    out.createdBy = item.createdBy;
    out.createdDateTime = isoSeconds(item.createdAt);
    out.eTag = eTagOf(item);
    out.id = item.id;
    out.lastModifiedBy = item.modifiedBy;
    out.lastModifiedDateTime = isoSeconds(item.modifiedAt);
    out.name = item.name;
    const pathInDelta = business && state.options.delta.parentPathOnBusiness;
    out.parentReference = parentReference(state, drive, item, !view.delta || pathInDelta);
    out.webUrl = webUrlOf(state, drive, item);
    // cTag: content tag. Business drives never show it on folders, and leave it out of delta; the
    // drive's root is the exception (Graph docs example "Get the root of the user's OneDrive": an ODB
    // root with a cTag, docs-mocks-v1 example 35).
    const isRoot = !item.parentId;
    const showCTag = isRoot ? !view.delta || !business : !(business && (item.isFolder || view.delta));
    if (showCTag) out.cTag = cTagOf(item);
    if (item.description) out.description = item.description;
    out.fileSystemInfo = {
        createdDateTime: isoSeconds(item.fsCreatedAt),
        lastModifiedDateTime: isoSeconds(item.fsModifiedAt),
    };
    out.size = item.remote ? item.remote.size : item.isFolder ? folderSize(state, item) : reportedSize(item);
    if (item.remote) {
        // A shortcut carries no folder or file facet of its own; what it points at says which it is
        // (onedrive-api-docs#284, "This is the designed behavior"; remoteitem.md).
        out.remoteItem = remoteItemFacet(item.remote);
    } else if (item.packageType) {
        // "driveItems with the package facet do not include a folder or file facet" (package.md).
        out.package = { type: item.packageType };
    } else if (item.isFolder) {
        out.folder = { childCount: state.children.get(item.id)?.size ?? 0 };
    } else if (item.hashless) {
        // No `hashes` at all: OneNote files and some SharePoint items (abraunegg `src/sync.d`).
        out.file = { mimeType: item.mimeType };
    } else {
        out.file = {
            mimeType: item.mimeType,
            hashes: { quickXorHash: item.reported?.quickXorHash ?? item.quickXorHash },
        };
    }
    if (item.malware) out.malware = { description: item.malware };
    if (!item.parentId) out.root = {};
    if (item.deletedAt !== undefined) out.deleted = { state: 'deleted' };
    return out;
}

function remoteItemFacet(target: ShortcutTarget): Record<string, unknown> {
    return {
        id: target.id,
        name: target.name,
        parentReference: { driveId: target.driveId, driveType: target.driveType },
        size: target.size,
        webUrl: target.webUrl,
        ...(target.isFolder ? { folder: { childCount: 0 } } : { file: {} }),
    };
}

function parentReference(state: SimState, drive: SimDrive, item: SimItem, withPath: boolean): Record<string, unknown> {
    const ref: Record<string, unknown> = { driveType: drive.driveType, driveId: drive.id };
    if (!item.parentId) return ref;
    const parent = state.items.get(item.parentId) as SimItem;
    ref.id = parent.id;
    if (parent.parentId) ref.name = parent.name;
    if (withPath) ref.path = graphPath(state, parent);
    if (drive.siteId) ref.siteId = drive.siteId;
    return ref;
}

/** Deleted items in delta: business drops `name` and `cTag`; personal drops `cTag` and `size`. */
function serializeTombstone(state: SimState, drive: SimDrive, item: SimItem): Record<string, unknown> {
    const out: Record<string, unknown> = {
        createdDateTime: isoSeconds(item.createdAt),
        id: item.id,
        lastModifiedDateTime: isoSeconds(item.deletedAt as number),
        parentReference: parentReference(state, drive, item, false),
        fileSystemInfo: {
            createdDateTime: isoSeconds(item.fsCreatedAt),
            lastModifiedDateTime: isoSeconds(item.fsModifiedAt),
        },
        deleted: { state: 'deleted' },
    };
    if (item.packageType) {
        // Not documented: a deleted package is assumed to keep its package facet, trimmed like any tombstone.
        if (drive.driveType === 'personal') out.name = item.name;
        else out.size = 0;
        out.package = { type: item.packageType };
    } else if (drive.driveType === 'personal') {
        out.name = item.name;
        // Personal tombstones report the hash of empty content; it means nothing.
        out[item.isFolder ? 'folder' : 'file'] = item.isFolder
            ? { childCount: 0 }
            : { hashes: { quickXorHash: EMPTY_QUICK_XOR_HASH } };
    } else {
        out.size = 0;
        out[item.isFolder ? 'folder' : 'file'] = item.isFolder ? { childCount: 0 } : {};
    }
    return out;
}

/** `$select=a,b` projection; `id` always survives, as do tombstone markers. */
export function applySelect(body: Record<string, unknown>, select: string | null): Record<string, unknown> {
    if (!select) return body;
    const keep = new Set(
        select
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );
    keep.add('id');
    if (body.deleted) keep.add('deleted');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
        if (keep.has(k) || (k === '@microsoft.graph.downloadUrl' && keep.has(k))) out[k] = v;
    }
    return out;
}

export function serializeDrive(state: SimState, drive: SimDrive): Record<string, unknown> {
    const out: Record<string, unknown> = {
        createdDateTime: isoSeconds(drive.createdAt),
        description: drive.description,
        id: drive.id,
        lastModifiedDateTime: isoSeconds(drive.seqLog.at(-1)?.at ?? drive.createdAt),
        name: drive.name,
        webUrl: drive.webUrl,
        driveType: drive.driveType,
    };
    if (drive.ownerUserId) {
        const user = state.deps.directory.getUser(drive.tenantId, drive.ownerUserId);
        out.owner = { user: { id: drive.ownerUserId, displayName: user?.displayName ?? '', email: user?.mail } };
        out.createdBy = { user: { displayName: 'System Account' } };
    } else {
        out.createdBy = { user: { displayName: 'System Account' } };
        out.owner = { group: { displayName: `${drive.name} Owners` } };
    }
    const used = usedBytes(state, drive);
    out.quota = {
        deleted: 0,
        remaining: Math.max(0, drive.quotaTotal - used),
        state: 'normal',
        total: drive.quotaTotal,
        used,
    };
    return out;
}

export function usedBytes(state: SimState, drive: SimDrive): number {
    return folderSize(state, state.items.get(drive.rootId) as SimItem);
}
