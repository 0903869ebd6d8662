/**
 * Where things live in the platform container. One prefix per drive: `<driveId>/<drive-relative path>`.
 *
 * - Folders are virtual (implied by blob names). An empty folder the sync creates gets a zero-byte
 *   **marker blob** named after the folder with metadata `hdi_isfolder=true`: the same convention ADLS
 *   Gen2 uses, so the layout also works on a hierarchical-namespace account.
 * - Deleted items go to a **trash prefix outside every drive prefix**: `.trash/<driveId>/<runId>/<path>`,
 *   with metadata `trashedfrom` (the original path) so they can be restored by copying back. Being
 *   outside `<driveId>/`, trash never shows up in a drive's listing (and a user folder named `.trash`
 *   stays an ordinary folder).
 */
export const TRASH_ROOT = '.trash';

/** Blob metadata keys (lower case: Azure returns metadata keys lower-cased anyway). */
export const META = {
    folder: 'hdi_isfolder',
    hash: 'quickxorhash',
    dirty: 'syncdirty',
    trashedFrom: 'trashedfrom',
    trashedAt: 'trashedat',
} as const;

export function drivePrefix(driveId: string): string {
    return `${driveId}/`;
}

export function blobNameOf(driveId: string, path: string): string {
    return `${drivePrefix(driveId)}${path}`;
}

/** The drive-relative path of a blob name under the drive's prefix. */
export function pathOfBlob(driveId: string, blobName: string): string {
    return blobName.slice(drivePrefix(driveId).length);
}

export function trashPrefix(driveId: string, runId: string): string {
    return `${TRASH_ROOT}/${driveId}/${runId}/`;
}

export function isFolderMarker(metadata: Record<string, string> | undefined): boolean {
    return metadata?.[META.folder] === 'true';
}

/** Drive-relative paths never start or end with '/', and have no empty or dot segments. */
export function isCleanPath(path: string): boolean {
    if (path === '') return true;
    return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Blob listings return ETags bare (`0x8D…`) while HTTP headers quote them (`"0x8D…"`): one form
 * everywhere (the quoted one, what If-Match wants), so the planner's comparisons are exact.
 */
export function quoteETag(etag: string): string;
export function quoteETag(etag: string | undefined): string | undefined;
export function quoteETag(etag: string | undefined): string | undefined {
    if (etag === undefined || etag === '') return etag;
    return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}
