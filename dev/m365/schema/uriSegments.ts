/** One OData resource-path segment: `items('abc')` is `{ name: 'items', args: "'abc'" }`. */
export interface Segment {
    name: string;
    /** Text inside the parentheses: a key or function parameters. */
    args?: string;
}

/**
 * Splits a resource path into segments. OneDrive path addressing (`root:/a/b.txt:` or a trailing
 * `root:/a/b.txt`) is dropped, because it addresses an item of the same type as the segment before
 * it. Slashes and colons inside parentheses and quotes (keys, `delta(token='...')`) do not split.
 */
export function splitSegments(path: string): Segment[] {
    const parts: string[] = [];
    let current = '';
    let depth = 0;
    let quoted = false;
    for (let i = 0; i < path.length; i++) {
        const ch = path[i];
        if (ch === "'" && depth > 0) quoted = !quoted;
        if (!quoted && ch === '(') depth++;
        if (!quoted && ch === ')') depth = Math.max(0, depth - 1);
        if (depth === 0 && !quoted && ch === ':') {
            i = skipAddressedPath(path, i);
        } else if (depth === 0 && !quoted && ch === '/') {
            parts.push(current);
            current = '';
        } else {
            current += ch;
        }
    }
    parts.push(current);
    return parts.filter((part) => part !== '').map(parseSegment);
}

/** From the colon that opens `:/path:`, returns the index of the closing colon (names cannot hold one). */
function skipAddressedPath(path: string, open: number): number {
    const close = path.indexOf(':', open + 1);
    return close === -1 ? path.length : close;
}

function parseSegment(text: string): Segment {
    const match = /^([^(]*)\((.*)\)$/s.exec(text);
    return match ? { name: match[1], args: match[2] } : { name: text };
}
