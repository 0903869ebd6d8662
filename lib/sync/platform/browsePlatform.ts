import type { DriveRecord } from '../../drives/driveRecord';
import { ApiError } from '../../http/apiError';
import type { Services } from '../../runtime/services';
import { metadataSeal } from './metadataSeal';
import { blobNameOf, drivePrefix, isFolderMarker, pathOfBlob, quoteETag } from './platformLayout';
import { platformContainer } from './platformContainer';

export interface PlatformItem {
    name: string;
    path: string;
    isFolder: boolean;
    size?: number;
    lastModified?: string;
    eTag?: string;
    quickXorHash?: string;
    /** Written by the platform since the last sync. */
    dirty?: boolean;
}

export interface BrowsePage {
    path: string;
    value: PlatformItem[];
    /** Pass back as `continuationToken` for the next page; absent on the last page. */
    continuationToken?: string;
}

export const MAX_PAGE_SIZE = 1000;

/**
 * One folder of the platform store, one page at a time: sub-folders (blob name prefixes and empty-
 * folder markers) and files. Paged by the Blob service's own continuation token, so a folder of any
 * size costs one listing call per page.
 */
export async function browsePlatform(
    services: Services,
    drive: DriveRecord,
    path: string,
    page: { pageSize: number; continuationToken?: string },
): Promise<BrowsePage> {
    const [container, seal] = await Promise.all([platformContainer(services), metadataSeal(services)]);
    const prefix = path === '' ? drivePrefix(drive.id) : `${blobNameOf(drive.id, path)}/`;
    const pages = container
        .listBlobsByHierarchy('/', { prefix, includeMetadata: true })
        .byPage({ maxPageSize: page.pageSize, continuationToken: page.continuationToken });
    const { value: result } = await pages.next();
    const items = new Map<string, PlatformItem>();
    for (const p of result?.segment.blobPrefixes ?? []) {
        const itemPath = pathOfBlob(drive.id, p.name.slice(0, -1));
        items.set(itemPath, { name: leaf(itemPath), path: itemPath, isFolder: true });
    }
    for (const blob of result?.segment.blobItems ?? []) {
        const itemPath = pathOfBlob(drive.id, blob.name);
        const size = blob.properties.contentLength ?? 0;
        if (isFolderMarker(blob.metadata, size)) {
            if (!items.has(itemPath))
                items.set(itemPath, {
                    name: leaf(itemPath),
                    path: itemPath,
                    isFolder: true,
                    lastModified: blob.properties.lastModified.toISOString(),
                });
            continue;
        }
        // Only what the service computed: a hash or dirty flag a client set itself is not shown.
        const trusted = seal.trusted(blob.metadata, size);
        items.set(itemPath, {
            name: leaf(itemPath),
            path: itemPath,
            isFolder: false,
            size,
            lastModified: blob.properties.lastModified.toISOString(),
            eTag: quoteETag(blob.properties.etag),
            ...(trusted.quickXorHash ? { quickXorHash: trusted.quickXorHash } : {}),
            ...(trusted.dirty ? { dirty: true } : {}),
        });
    }
    if (items.size === 0 && !page.continuationToken && path !== '') await requireFolder(services, drive, path);
    const value = [...items.values()].sort(
        (a, b) => Number(b.isFolder) - Number(a.isFolder) || a.name.localeCompare(b.name),
    );
    return { path, value, ...(result?.continuationToken ? { continuationToken: result.continuationToken } : {}) };
}

/** An empty listing is a folder only if its marker exists. */
async function requireFolder(services: Services, drive: DriveRecord, path: string): Promise<void> {
    const container = await platformContainer(services);
    const props = await container
        .getBlobClient(blobNameOf(drive.id, path))
        .getProperties()
        .catch(() => undefined);
    if (!isFolderMarker(props?.metadata, props?.contentLength)) {
        throw new ApiError(
            404,
            'folder_not_found',
            `There is no folder ${path} in this drive's platform store.`,
            'Browse from the root (no path) to see what exists.',
        );
    }
}

function leaf(path: string): string {
    return path.slice(path.lastIndexOf('/') + 1);
}
