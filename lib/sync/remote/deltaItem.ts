/**
 * A driveItem as a delta page returns it, reduced to what sync reads. `$select` asks for exactly
 * these fields (graph-sync.md §1.3: track by id; delta omits parentReference.path, and on business
 * drives a tombstone has no name or cTag).
 */
export interface DeltaItem {
    id: string;
    name?: string;
    eTag?: string;
    cTag?: string;
    size?: number;
    parentReference?: { id?: string; driveId?: string };
    file?: { hashes?: { quickXorHash?: string } };
    folder?: Record<string, unknown>;
    /** A package (`type: 'oneNote'` for a OneNote notebook): a container, never a folder to sync file by file. */
    package?: { type?: string };
    /** A shortcut to an item of another drive ("Add shortcut to My files"): delta lists nothing inside it. */
    remoteItem?: Record<string, unknown>;
    root?: Record<string, unknown>;
    deleted?: Record<string, unknown>;
    fileSystemInfo?: { lastModifiedDateTime?: string };
    lastModifiedDateTime?: string;
}

export const DELTA_SELECT =
    'id,name,eTag,cTag,size,parentReference,file,folder,package,remoteItem,root,deleted,fileSystemInfo,lastModifiedDateTime';

/** The compact form kept in the page journal (one table row per page: every byte counts). */
export interface JournalItem {
    i: string;
    p?: string;
    n?: string;
    e?: string;
    c?: string;
    s?: number;
    h?: string;
    m?: string;
    /** Flags: f folder (or package), p package, s shortcut (remoteItem), d deleted, r root. */
    k?: string;
    /** The package's type (`oneNote`). */
    t?: string;
}

export function toJournalItem(item: DeltaItem): JournalItem {
    const flags = [
        item.folder || item.package ? 'f' : '',
        item.package ? 'p' : '',
        item.remoteItem ? 's' : '',
        item.deleted ? 'd' : '',
        item.root ? 'r' : '',
    ].join('');
    return {
        i: item.id,
        ...(item.parentReference?.id ? { p: item.parentReference.id } : {}),
        ...(item.name !== undefined ? { n: item.name } : {}),
        ...(item.eTag ? { e: item.eTag } : {}),
        ...(item.cTag ? { c: item.cTag } : {}),
        ...(item.size !== undefined ? { s: item.size } : {}),
        ...(item.file?.hashes?.quickXorHash ? { h: item.file.hashes.quickXorHash } : {}),
        ...(modifiedOf(item) ? { m: modifiedOf(item) } : {}),
        ...(flags ? { k: flags } : {}),
        ...(item.package?.type ? { t: item.package.type } : {}),
    };
}

export function fromJournalItem(j: JournalItem): DeltaItem {
    const flags = j.k ?? '';
    return {
        id: j.i,
        ...(j.p ? { parentReference: { id: j.p } } : {}),
        ...(j.n !== undefined ? { name: j.n } : {}),
        ...(j.e ? { eTag: j.e } : {}),
        ...(j.c ? { cTag: j.c } : {}),
        ...(j.s !== undefined ? { size: j.s } : {}),
        ...(j.h ? { file: { hashes: { quickXorHash: j.h } } } : {}),
        ...(flags.includes('p')
            ? { package: { ...(j.t ? { type: j.t } : {}) } }
            : flags.includes('f')
              ? { folder: {} }
              : {}),
        ...(flags.includes('s') ? { remoteItem: {} } : {}),
        ...(flags.includes('d') ? { deleted: {} } : {}),
        ...(flags.includes('r') ? { root: {} } : {}),
        ...(j.m ? { fileSystemInfo: { lastModifiedDateTime: j.m } } : {}),
    };
}

/**
 * Keeps only the fields sync reads (the journal's form): Graph's objects carry `@odata` annotations and
 * full parent references, several times the size, and a first sync holds every item of the drive.
 */
export function compactItem(item: DeltaItem): DeltaItem {
    return fromJournalItem(toJournalItem(item));
}

/** fileSystemInfo is what users and the platform see; the item's own date moves on server-side edits too. */
export function modifiedOf(item: DeltaItem): string | undefined {
    return item.fileSystemInfo?.lastModifiedDateTime ?? item.lastModifiedDateTime;
}

export function isFolderItem(item: DeltaItem): boolean {
    // OneNote notebooks are `package` items: folders on the wire, never files to copy.
    return !!item.folder || !!item.package;
}
