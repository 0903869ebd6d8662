import { GraphError } from '../http/errors';
import type { DriveType } from '../model/types';

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

/** Business drives limit the whole decoded path to under 400 characters; Personal to about 430. */
export function checkPathLength(relativePath: string, driveType: DriveType): void {
    const limit = driveType === 'personal' ? 430 : 400;
    if ([...relativePath].length >= limit) {
        throw new GraphError(400, 'invalidRequest', 'The path is too long.', 'pathIsTooLong');
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
};

export function mimeTypeOf(name: string): string {
    return MIME[extensionOf(name)] ?? 'application/octet-stream';
}
