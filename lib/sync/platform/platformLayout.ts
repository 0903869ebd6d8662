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
    /** MAC over what the service wrote (metadataSeal.ts): metadata without a valid one is not trusted. */
    seal: 'syncseal',
    trashedFrom: 'trashedfrom',
    trashedAt: 'trashedat',
} as const;

/**
 * A blob name the service composed that must not be used: a path with `\`, a control character, an
 * empty, `.` or `..` segment, or anything else that would not stay under the drive's own prefix.
 */
export class UnsafeBlobName extends Error {
    readonly code = 'unsafe_blob_name';
    constructor(what: string) {
        super(
            `Refused to use ${JSON.stringify(what.slice(0, 300))} as a blob name: it would not stay inside the drive's folder.`,
        );
        this.name = 'UnsafeBlobName';
    }
}

/** Drive ids and run ids are ours (`drv_…`, uuids): one safe segment each. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function drivePrefix(driveId: string): string {
    if (!SAFE_ID.test(driveId)) throw new UnsafeBlobName(driveId);
    return `${driveId}/`;
}

/**
 * The blob of a drive-relative path. Paths come from the platform (already checked by the routes) and
 * from Graph item names, so every name is checked here, where it is composed, whatever its source: a
 * Graph name such as `..`, `a\b` or one with a control character never reaches the Blob service.
 */
export function blobNameOf(driveId: string, path: string): string {
    if (path === '' || !isCleanPath(path)) throw new UnsafeBlobName(path);
    const prefix = drivePrefix(driveId);
    const name = `${prefix}${path}`;
    if (!name.startsWith(prefix)) throw new UnsafeBlobName(path);
    return name;
}

/** The drive-relative path of a blob name under the drive's prefix. */
export function pathOfBlob(driveId: string, blobName: string): string {
    const prefix = drivePrefix(driveId);
    if (!blobName.startsWith(prefix)) throw new UnsafeBlobName(blobName);
    return blobName.slice(prefix.length);
}

export function trashPrefix(driveId: string, runId: string): string {
    if (!SAFE_ID.test(runId)) throw new UnsafeBlobName(runId);
    return `${TRASH_ROOT}/${drivePrefix(driveId)}${runId}/`;
}

/**
 * A folder marker: `hdi_isfolder=true` on a zero-byte blob. A platform client can set that metadata on
 * its own upload, but on a blob with content it is ignored (the file stays a file), and on an empty
 * blob it only makes an empty folder of a path the client could have made a folder of anyway.
 */
export function isFolderMarker(metadata: Record<string, string> | undefined, contentLength?: number): boolean {
    return metadata?.[META.folder] === 'true' && (contentLength === undefined || contentLength === 0);
}

/**
 * Drive-relative paths never start or end with '/', and have no empty or dot segments, no '\' (a
 * separator to Windows, SharePoint and some Blob tools) and no control characters.
 */
export function isCleanPath(path: string): boolean {
    if (path === '') return true;
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(path)) return false;
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
