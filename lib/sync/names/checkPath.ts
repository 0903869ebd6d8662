import { checkName } from './checkName';
import { MAX_FILE_BYTES, MAX_PATH_LENGTH } from './limits';
import { NameCheck, OK, problem } from './nameCheck';

export interface PathContext {
    isFolder: boolean;
    /** File size in bytes; checked against the 250 GB limit. */
    size?: number;
    /** Length of the library's decoded server-relative path (e.g. `sites/team/Shared Documents`), counted in the limit. */
    rootPathLength?: number;
    /** Defaults to {@link MAX_PATH_LENGTH}. */
    maxPathLength?: number;
    library?: boolean;
    /** Check only the last segment's name (its ancestors already exist on SharePoint). */
    lastSegmentOnly?: boolean;
}

/**
 * Checks a drive-relative path (`a/b/c.txt`, no leading slash) the way Graph would: every segment's
 * name, the decoded path length and the file size (graph-sync.md §1.5).
 */
export function checkPath(path: string, ctx: PathContext): NameCheck {
    const segments = path.split('/');
    for (let i = ctx.lastSegmentOnly ? segments.length - 1 : 0; i < segments.length; i++) {
        const isLast = i === segments.length - 1;
        const result = checkName(segments[i], {
            isFolder: isLast ? ctx.isFolder : true,
            atRoot: i === 0,
            library: ctx.library,
        });
        if (!result.ok) return result;
    }
    const lengthCheck = checkPathLength(path, ctx);
    if (!lengthCheck.ok) return lengthCheck;
    return checkSize(ctx);
}

/** Counted in code points: never fewer than the graphemes abraunegg counts, so never too lenient. */
export function decodedPathLength(path: string, rootPathLength = 0): number {
    const own = Array.from(path).length;
    return rootPathLength > 0 ? rootPathLength + 1 + own : own;
}

function checkPathLength(path: string, ctx: PathContext): NameCheck {
    const max = ctx.maxPathLength ?? MAX_PATH_LENGTH;
    const length = decodedPathLength(path, ctx.rootPathLength);
    if (length < max) return OK;
    const what = ctx.isFolder ? 'folder' : 'file';
    return problem(
        'path_too_long',
        `The path is ${length} characters long; SharePoint needs it under ${max}.`,
        `Shorten the ${what} name or move it to a shallower folder on the platform.`,
    );
}

function checkSize(ctx: PathContext): NameCheck {
    if (ctx.isFolder || ctx.size === undefined || ctx.size <= MAX_FILE_BYTES) return OK;
    return problem(
        'file_too_large',
        `The file is ${ctx.size} bytes; SharePoint and OneDrive accept at most 250 GB.`,
        'Split or compress the file on the platform; it cannot be synced as it is.',
    );
}
