import { restStatus } from '../../storage/restError';
import type { ContainerClient } from '@azure/storage-blob';
import type { Services } from '../../runtime/services';
import { asPlatformConflict, PlatformConflict } from './platformErrors';
import { blobNameOf, META, pathOfBlob, quoteETag, trashPrefix } from './platformLayout';
import { platformContainer } from './platformContainer';

/**
 * The platform store's metadata writes, each conditional on the plan's view: a copy only from the
 * blob ETag the plan saw (`sourceConditions.ifMatch`), only to a free name (`ifNoneMatch: *`), and a
 * delete only of the blob that was copied. Blob storage has no rename, so a move is copy + delete,
 * and a folder move moves every blob under the folder.
 */
export interface PlatformTarget {
    services: Services;
    driveId: string;
    /**
     * Whether a folder (drive-relative path) must outlive its last blob: true for folders that exist
     * on SharePoint too (see keepParentFolder). Absent: folders stay purely implied, as before.
     */
    keepFolder?: (path: string) => boolean;
}

/** Creates the marker blob of an empty folder (platformLayout.ts); an existing folder is fine. */
export async function createPlatformFolder(t: PlatformTarget, path: string): Promise<void> {
    const container = await platformContainer(t.services);
    const marker = container.getBlockBlobClient(blobNameOf(t.driveId, path));
    try {
        await marker.upload('', 0, { metadata: { [META.folder]: 'true' }, conditions: { ifNoneMatch: '*' } });
    } catch (e) {
        const conflict = asPlatformConflict(e, `Create folder ${path}`);
        if (conflict instanceof PlatformConflict && conflict.code === 'target_exists') {
            const props = await marker.getProperties();
            if (props.metadata?.[META.folder] === 'true') return;
        }
        throw conflict;
    }
}

/** Copies one blob (with its metadata) to a free name; returns the new blob's ETag. */
export async function copyBlob(
    container: ContainerClient,
    from: string,
    to: string,
    ifMatch?: string,
): Promise<string> {
    const source = container.getBlobClient(from);
    const target = container.getBlobClient(to);
    try {
        const poller = await target.beginCopyFromURL(source.url, {
            sourceConditions: ifMatch ? { ifMatch } : undefined,
            conditions: { ifNoneMatch: '*' },
        });
        const done = await poller.pollUntilDone();
        if (done.copyStatus && done.copyStatus !== 'success')
            throw new Error(`Copy of ${from} ended ${done.copyStatus}.`);
        return done.etag ?? (await target.getProperties()).etag ?? '';
    } catch (e) {
        throw asPlatformConflict(e, `Copy ${from} to ${to}`);
    }
}

async function deleteBlob(container: ContainerClient, name: string, ifMatch?: string): Promise<void> {
    try {
        await container.getBlobClient(name).delete({ conditions: ifMatch ? { ifMatch } : undefined });
    } catch (e) {
        if (restStatus(e) === 404) return;
        throw asPlatformConflict(e, `Delete ${name}`);
    }
}

/** Blob names under a folder (its marker included), with their ETags. */
async function blobsUnder(container: ContainerClient, folderName: string): Promise<{ name: string; etag: string }[]> {
    const names: { name: string; etag: string }[] = [];
    const marker = container.getBlobClient(folderName);
    const props = await marker.getProperties().catch(() => undefined);
    if (props?.etag) names.push({ name: folderName, etag: props.etag });
    for await (const blob of container.listBlobsFlat({ prefix: `${folderName}/` }))
        names.push({ name: blob.name, etag: quoteETag(blob.properties.etag) });
    return names;
}

export interface MoveResult {
    /** New ETag per drive-relative path, for the baseline rows of moved files. */
    etags: Map<string, string>;
}

/**
 * Moves a file (copy with the planned ETag, then delete that exact blob) or a folder (every blob
 * under it). A folder move that fails half-way leaves the copies and originals both in place: the
 * next sync sees the new files as copies of existing content and re-plans, nothing is lost.
 */
export async function movePlatform(
    t: PlatformTarget,
    from: string,
    to: string,
    isFolder: boolean,
    ifMatch?: string,
): Promise<MoveResult> {
    const container = await platformContainer(t.services);
    const etags = new Map<string, string>();
    const fromName = blobNameOf(t.driveId, from);
    if (!isFolder) {
        etags.set(to, await copyBlob(container, fromName, blobNameOf(t.driveId, to), ifMatch));
        await deleteBlob(container, fromName, ifMatch);
        await keepParentFolder(t, container, from);
        return { etags };
    }
    const blobs = await blobsUnder(container, fromName);
    const toName = blobNameOf(t.driveId, to);
    for (const blob of blobs) {
        const target = toName + blob.name.slice(fromName.length);
        etags.set(pathOfBlob(t.driveId, target), await copyBlob(container, blob.name, target, blob.etag));
    }
    // An empty folder the platform only implied has no blob to copy: it still exists at its new name.
    if (blobs.length === 0) await createPlatformFolder(t, to);
    for (const blob of blobs) await deleteBlob(container, blob.name, blob.etag);
    await keepParentFolder(t, container, from);
    return { etags };
}

/**
 * Folders the platform created exist only as blob-name prefixes. Moving or deleting the last blob
 * under one (because SharePoint's user moved or deleted that file, not the folder) would make the
 * folder vanish from the platform, and the next sync would read that as a platform-side delete and
 * delete the folder on SharePoint too. So the emptied folder gets its marker blob, as an empty folder
 * the sync creates does; only for folders the caller knows SharePoint has (`keepFolder`). (Found by
 * test/sync/scenarios/scenarios.test.ts: "a folder emptied on SharePoint … stays a folder on both sides".)
 */
async function keepParentFolder(t: PlatformTarget, container: ContainerClient, path: string): Promise<void> {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return; // the drive's root always exists
    const parent = path.slice(0, slash);
    if (!t.keepFolder?.(parent)) return;
    const page = await container
        .listBlobsFlat({ prefix: `${blobNameOf(t.driveId, parent)}/` })
        .byPage({ maxPageSize: 1 })
        .next();
    if (!page.done && page.value.segment.blobItems.length > 0) return;
    try {
        await createPlatformFolder(t, parent);
    } catch (e) {
        // A file of that name (someone else's write meanwhile): the next sync sees what is there.
        if (!(e instanceof PlatformConflict)) throw e;
    }
}

/**
 * Deletes to the trash: each blob is copied to `.trash/<driveId>/<runId>/<path>` (metadata
 * `trashedfrom` = its path, `trashedat`) and only then deleted, conditionally on the planned ETag.
 * Restoring is copying it back. Returns how many blobs went to the trash.
 */
export async function trashPlatform(
    t: PlatformTarget & { runId: string },
    path: string,
    isFolder: boolean,
    ifMatch?: string,
): Promise<number> {
    const container = await platformContainer(t.services);
    const name = blobNameOf(t.driveId, path);
    const blobs = isFolder ? await blobsUnder(container, name) : [{ name, etag: ifMatch }];
    const trash = trashPrefix(t.driveId, t.runId);
    const at = new Date().toISOString();
    for (const blob of blobs) {
        const original = pathOfBlob(t.driveId, blob.name);
        await copyBlobOverwriting(container, blob.name, trash + original, blob.etag, {
            [META.trashedFrom]: encodeURIComponent(original),
            [META.trashedAt]: at,
        });
    }
    for (const blob of blobs) await deleteBlob(container, blob.name, blob.etag);
    await keepParentFolder(t, container, path);
    return blobs.length;
}

/** Trash copies may be redone by a redelivered run: the same trash name is simply written again. */
async function copyBlobOverwriting(
    container: ContainerClient,
    from: string,
    to: string,
    ifMatch: string | undefined,
    metadata: Record<string, string>,
): Promise<void> {
    const target = container.getBlobClient(to);
    try {
        const source = container.getBlobClient(from);
        // Unconditional read first: a missing blob must read as gone (404), not as changed (412).
        const props = await source.getProperties();
        if (ifMatch && props.etag !== ifMatch)
            throw new PlatformConflict(
                'precondition_failed',
                `Trash ${from}: the blob changed since the sync planned it.`,
            );
        const poller = await target.beginCopyFromURL(source.url, {
            sourceConditions: ifMatch ? { ifMatch } : undefined,
            metadata: { ...props.metadata, ...metadata },
        });
        await poller.pollUntilDone();
    } catch (e) {
        if (e instanceof PlatformConflict) throw e;
        throw asPlatformConflict(e, `Trash ${from}`);
    }
}
