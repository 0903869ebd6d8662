import { GraphError } from '../http/errors';
import type { DriveType, SimDrive } from '../model/types';

/**
 * OneDrive/SharePoint naming rules ("Invalid file names and file types in OneDrive and
 * SharePoint", plus what rclone and abraunegg observed). Violations are 400 invalidRequest with
 * innerError invalidPath; a path of 400+ characters is pathIsTooLong.
 */
const RESERVED = /^(\.lock|con|prn|aux|nul|com[0-9]|lpt[0-9]|desktop\.ini)$/i;
// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /["*:<>?/\\|\u0000-\u001f]/;

export function checkName(
    name: unknown,
    opts: { isFolder: boolean; atLibraryRoot: boolean; driveType: DriveType },
): string {
    if (typeof name !== 'string' || name.length === 0) {
        throw invalid('The name is required.');
    }
    if (INVALID_CHARS.test(name)) throw invalid('The provided name cannot contain any illegal characters.');
    if (/^\s|\s$/.test(name)) throw invalid('The provided name cannot begin or end with a space.');
    if (name.endsWith('.')) throw invalid('The provided name cannot end with a period.');
    if (RESERVED.test(name)) throw invalid(`The provided name '${name}' is reserved.`);
    if (name.startsWith('~$')) throw invalid('The provided name cannot begin with ~$.');
    if (name.toLowerCase().includes('_vti_')) throw invalid('The provided name cannot contain _vti_.');
    if (/&#\d+;/.test(name)) throw invalid('The provided name cannot contain HTML entity sequences.');
    if (opts.isFolder && name.startsWith('~')) throw invalid('A folder name cannot begin with ~.');
    if (opts.isFolder && opts.atLibraryRoot && opts.driveType === 'documentLibrary' && name.toLowerCase() === 'forms') {
        throw invalid('The name forms is reserved at the root of a document library.');
    }
    return name;
}

/**
 * "The entire decoded file path, including the file name, can't contain more than 400 characters"
 * (support article "Restrictions and limitations in OneDrive and SharePoint"). On OneDrive for Business
 * and SharePoint the count is the decoded server-relative path, the site and library part included
 * (`/sites/team/Shared Documents/a/b.txt`: every slash counts, `%20` is one character, so is an emoji).
 * Consumer OneDrive has no server-relative path; there the drive-relative path is counted (about 430).
 * Like the service's pre-check (lib/sync/names/checkPath.ts), 400 itself is refused.
 */
export function checkPathLength(drive: SimDrive, relativePath: string): void {
    const limit = drive.driveType === 'personal' ? 430 : 400;
    const root = drive.driveType === 'personal' ? '' : serverRelativeRoot(drive);
    const length = [...root].length + (root ? 1 : 0) + [...relativePath].length;
    if (length >= limit) {
        throw new GraphError(400, 'invalidRequest', 'The path is too long.', 'pathIsTooLong');
    }
}

/** The drive root's decoded server-relative path, from its webUrl (`/sites/intranet/Shared Documents`). */
export function serverRelativeRoot(drive: SimDrive): string {
    try {
        return decodeURIComponent(new URL(drive.webUrl).pathname).replace(/\/$/, '');
    } catch {
        return '';
    }
}

function invalid(message: string): GraphError {
    return new GraphError(400, 'invalidRequest', message, 'invalidPath');
}

/** `report.docx` → `report 1.docx`, the name conflictBehavior=rename picks. */
export function renamedCandidate(name: string, n: number): string {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return `${name} ${n}`;
    return `${name.slice(0, dot)} ${n}${name.slice(dot)}`;
}

export function extensionOf(name: string): string {
    const dot = name.lastIndexOf('.');
    return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

const MIME: Record<string, string> = {
    '.txt': 'text/plain',
    '.md': 'text/markdown',
    '.csv': 'text/csv',
    '.json': 'application/json',
    '.html': 'text/html',
    '.htm': 'text/html',
    '.pdf': 'application/pdf',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    '.zip': 'application/zip',
    '.one': 'application/msonenote',
};

/**
 * OneNote's files report no hashes; `.one` is `application/msonenote` everywhere, `.onetoc2` too on
 * Personal but `application/octet-stream` on Business (abraunegg `src/sync.d`, "Microsoft OneNote" checks).
 */
export const ONENOTE_EXTENSIONS = ['.one', '.onetoc2'];

export function mimeTypeOf(name: string, driveType: DriveType = 'business'): string {
    const ext = extensionOf(name);
    if (ext === '.onetoc2') return driveType === 'personal' ? 'application/msonenote' : 'application/octet-stream';
    return MIME[ext] ?? 'application/octet-stream';
}
