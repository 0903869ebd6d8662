import type { BlobItem } from '@azure/storage-blob';
import type { DriveRecord } from '../../drives/driveRecord';
import type { Services } from '../../runtime/services';
import type { PlatformEntry } from '../plan/types';
import { metadataSeal, type MetadataSeal } from './metadataSeal';
import { drivePrefix, isFolderMarker, pathOfBlob, quoteETag } from './platformLayout';
import { platformContainer } from './platformContainer';

/** Azure's maximum page for a blob listing: fewer round trips on big drives. */
const PAGE_SIZE = 5000;

/**
 * The platform side of a drive now: every blob under `<driveId>/` as a file, folder marker blobs
 * (`hdi_isfolder=true`) as folders, and every ancestor implied by a blob name as a virtual folder.
 * Trash lives outside the prefix (platformLayout.ts), so it is never listed.
 */
export async function listPlatformEntries(
    services: Services,
    drive: DriveRecord,
    options: { pageSize?: number } = {},
): Promise<PlatformEntry[]> {
    const [container, seal] = await Promise.all([platformContainer(services), metadataSeal(services)]);
    const entries = new Map<string, PlatformEntry>();
    const pages = container
        .listBlobsFlat({ prefix: drivePrefix(drive.id), includeMetadata: true })
        .byPage({ maxPageSize: options.pageSize ?? PAGE_SIZE });
    for await (const page of pages) {
        for (const blob of page.segment.blobItems) addBlob(entries, toEntry(drive.id, blob, seal));
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The same listing as a stream, for a first sync that must not hold the drive: blobs in listing
 * order, each followed by the virtual folders its name implies that were not seen yet (folder marker
 * blobs count as seen). Only folder paths are remembered, so a virtual folder may repeat the path
 * of a file listed earlier: the reader keeps the first entry of a path (the file), as the listing
 * above does.
 */
export async function* streamPlatformEntries(
    services: Services,
    drive: DriveRecord,
    options: { pageSize?: number } = {},
): AsyncGenerator<PlatformEntry[]> {
    const [container, seal] = await Promise.all([platformContainer(services), metadataSeal(services)]);
    const folders = new Set<string>();
    const pages = container
        .listBlobsFlat({ prefix: drivePrefix(drive.id), includeMetadata: true })
        .byPage({ maxPageSize: options.pageSize ?? PAGE_SIZE });
    for await (const page of pages) {
        const out: PlatformEntry[] = [];
        for (const blob of page.segment.blobItems) {
            const entry = toEntry(drive.id, blob, seal);
            if (entry.path === '' || entry.path.endsWith('/')) continue;
            if (entry.isFolder) {
                if (folders.has(entry.path)) continue;
                folders.add(entry.path);
            }
            out.push(entry);
            for (let i = entry.path.lastIndexOf('/'); i > 0; i = entry.path.lastIndexOf('/', i - 1)) {
                const dir = entry.path.slice(0, i);
                if (folders.has(dir)) break;
                folders.add(dir);
                out.push({ path: dir, isFolder: true, size: 0, lastModified: entry.lastModified });
            }
        }
        yield out;
    }
}

/** One folder's children on the platform, and the child folders a walk goes into. */
export interface PlatformFolder {
    /** Files, folder markers and the virtual folders blob names imply, one per path (a file wins, as above). */
    entries: PlatformEntry[];
    /** Paths of child folders to list next: every virtual folder, every marker, every file that is also a prefix. */
    folders: string[];
}

/**
 * The children of one folder, every spelling of it at once (a listing run walks the store by
 * case-folded folder, as the baseline's path index groups it: engine/platformDiff.ts): a hierarchical
 * listing (delimiter '/') per spelling, pages of at most 5,000, so memory holds one folder.
 */
export async function listPlatformFolder(
    services: Services,
    drive: DriveRecord,
    spellings: readonly string[],
    options: { pageSize?: number } = {},
): Promise<PlatformFolder> {
    const [container, seal] = await Promise.all([platformContainer(services), metadataSeal(services)]);
    const entries = new Map<string, PlatformEntry>();
    const folders = new Set<string>();
    for (const folder of spellings) {
        const prefix = folder === '' ? drivePrefix(drive.id) : `${drivePrefix(drive.id)}${folder}/`;
        const pages = container
            .listBlobsByHierarchy('/', { prefix, includeMetadata: true })
            .byPage({ maxPageSize: options.pageSize ?? PAGE_SIZE });
        for await (const page of pages) {
            for (const blob of page.segment.blobItems) {
                const entry = toEntry(drive.id, blob, seal);
                if (entry.path === '' || entry.path.endsWith('/')) continue;
                const existing = entries.get(entry.path);
                if (!existing || (existing.isFolder && !entry.isFolder)) entries.set(entry.path, entry);
                if (entry.isFolder) folders.add(entry.path);
            }
            for (const p of page.segment.blobPrefixes ?? []) {
                const path = pathOfBlob(drive.id, p.name).replace(/\/$/, '');
                if (path === '' || path.endsWith('/')) continue;
                folders.add(path);
                if (!entries.has(path)) entries.set(path, { path, isFolder: true, size: 0, lastModified: '' });
            }
        }
    }
    return { entries: [...entries.values()], folders: [...folders] };
}

/** One blob as the planner sees it: its hash and dirty flag only if the service wrote them (metadataSeal.ts). */
export function toEntry(driveId: string, blob: BlobItem, seal: MetadataSeal): PlatformEntry {
    const path = pathOfBlob(driveId, blob.name);
    const lastModified = blob.properties.lastModified.toISOString();
    const size = blob.properties.contentLength ?? 0;
    if (isFolderMarker(blob.metadata, size)) return { path, isFolder: true, size: 0, lastModified };
    const trusted = seal.trusted(blob.metadata, size);
    return {
        path,
        isFolder: false,
        blobETag: quoteETag(blob.properties.etag),
        size,
        ...(trusted.quickXorHash ? { contentHash: trusted.quickXorHash } : {}),
        lastModified,
        ...(trusted.dirty ? { dirty: true } : {}),
    };
}

function addBlob(entries: Map<string, PlatformEntry>, entry: PlatformEntry): void {
    // A blob whose name ends in '/' (written by some other tool) has no name of its own: skip it.
    if (entry.path === '' || entry.path.endsWith('/')) return;
    const existing = entries.get(entry.path);
    // A file wins over a virtual folder of the same name (the planner decides what to do with that).
    if (!existing || (existing.isFolder && !entry.isFolder)) entries.set(entry.path, entry);
    for (let i = entry.path.lastIndexOf('/'); i > 0; i = entry.path.lastIndexOf('/', i - 1)) {
        const dir = entry.path.slice(0, i);
        if (entries.has(dir)) break;
        entries.set(dir, { path: dir, isFolder: true, size: 0, lastModified: entry.lastModified });
    }
}
