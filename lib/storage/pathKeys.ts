/**
 * Folder paths as Table Storage keys that keep a tree's shape in key order: '/' becomes '|', and
 * '|', '$', '~' and the characters keys forbid are escaped (`~` + 4 hex digits). With '$' ending a
 * folder's part of a key, a folder's own rows (`<path>$…`) sort before the rows below it (`<path>|…`),
 * and a subtree is two key ranges. Used by the first sync's staging table and the baseline's path index.
 */
export function pathKey(folded: string): string {
    let out = '';
    for (const c of folded) {
        const code = c.charCodeAt(0);
        if (c === '/') out += '|';
        else if (
            c === '|' ||
            c === '$' ||
            c === '~' ||
            c === '\\' ||
            c === '#' ||
            c === '?' ||
            code < 0x20 ||
            (code >= 0x7f && code <= 0x9f)
        )
            out += `~${code.toString(16).padStart(4, '0')}`;
        else out += c;
    }
    return out;
}

/** The key ranges [from, to) holding a folder's children (`<key>$…`) and everything deeper (`<key>|…`). */
export function subtreeRanges(prefix: string, folderKey: string): [string, string][] {
    // '%' and '}' are the characters right after '$' and '|'.
    return [
        [`${prefix}${folderKey}$`, `${prefix}${folderKey}%`],
        [`${prefix}${folderKey}|`, `${prefix}${folderKey}}`],
    ];
}
