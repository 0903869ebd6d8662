/**
 * SharePoint / OneDrive limits (graph-sync.md §1.5). The path limit counts the whole *decoded* path,
 * the library's own server-relative part included; callers that know it pass `rootPathLength`.
 */

/** ODB/SPO: the decoded path must be "under 400 characters" (abraunegg rejects ≥ 400). */
export const MAX_PATH_LENGTH = 400;

/** Largest file SharePoint and OneDrive accept: 250 GB. */
export const MAX_FILE_BYTES = 250 * 1024 ** 3;

/** Characters Graph rejects anywhere in a name. */
export const INVALID_CHARACTERS: readonly string[] = ['"', '*', ':', '<', '>', '?', '/', '\\', '|'];

/** Whole names SharePoint reserves, compared case-insensitively. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
    '.lock',
    'con',
    'prn',
    'aux',
    'nul',
    ...Array.from({ length: 10 }, (_, i) => `com${i}`),
    ...Array.from({ length: 10 }, (_, i) => `lpt${i}`),
    'desktop.ini',
]);
