/** Drive-relative path helpers ('/'-separated, no leading slash, '' is the root). */

export function joinPath(parent: string, name: string): string {
    return parent === '' ? name : `${parent}/${name}`;
}

export function parentPath(path: string): string {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
    return path.slice(path.lastIndexOf('/') + 1);
}

export function depth(path: string): number {
    if (path === '') return 0;
    // Counted in place: sorts call this per comparison, and split() allocated an array each time.
    let n = 1;
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
    return n;
}

/** SharePoint compares paths case-insensitively; used wherever a remote collision matters. */
export function foldPath(path: string): string {
    return path.toLowerCase();
}

/** Stable string order independent of the host's locale. */
export function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
