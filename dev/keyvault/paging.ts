import { badParameter } from './errors';
import { DEFAULT_PAGE_SIZE } from './rules';

/**
 * Key Vault's list paging: `maxresults` (1-25, default 25) sizes a page; `nextLink` is an absolute URL
 * carrying the api-version and an opaque `$skiptoken`, and is `null` on the last page. The token here
 * names the last key returned rather than an offset, so secrets added or deleted between pages neither
 * repeat nor skip entries that were already there.
 */
export interface PageRequest {
    size: number;
    /** Only echoed into nextLink when the client sent it, as Key Vault does. */
    explicitSize: boolean;
    afterKey?: string;
}

export interface Page<T> {
    items: T[];
    nextLink: string | null;
}

export function readPageRequest(query: URLSearchParams): PageRequest {
    const raw = query.get('maxresults');
    const afterKey = readSkipToken(query.get('$skiptoken'));
    if (raw === null || raw === '') return { size: DEFAULT_PAGE_SIZE, explicitSize: false, afterKey };
    const size = Number(raw);
    if (!/^\d+$/.test(raw) || size < 1 || size > DEFAULT_PAGE_SIZE) {
        throw badParameter(
            `The value '${raw}' is not valid for maxresults: it must be an integer from 1 to ${DEFAULT_PAGE_SIZE}.`,
        );
    }
    return { size, explicitSize: true, afterKey };
}

/** `listUrl` is the absolute URL of the list (no query); `apiVersion` is the one the client asked for. */
export function takePage<T>(
    items: T[],
    keyOf: (item: T) => string,
    request: PageRequest,
    listUrl: string,
    apiVersion: string,
): Page<T> {
    const sorted = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const remaining =
        request.afterKey === undefined
            ? sorted
            : sorted.filter((item) => compareKeys(keyOf(item), request.afterKey!) > 0);
    const pageItems = remaining.slice(0, request.size);
    const last = pageItems[pageItems.length - 1];
    if (remaining.length <= request.size || !last) return { items: pageItems, nextLink: null };
    const size = request.explicitSize ? `&maxresults=${request.size}` : '';
    return {
        items: pageItems,
        nextLink: `${listUrl}?api-version=${apiVersion}&$skiptoken=${skipToken(keyOf(last))}${size}`,
    };
}

/** Key Vault lists names in case-insensitive order. */
function compareKeys(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
}

function skipToken(lastKey: string): string {
    return Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');
}

function readSkipToken(token: string | null): string | undefined {
    if (token === null || token === '') return undefined;
    try {
        const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
        if (
            typeof parsed === 'object' &&
            parsed !== null &&
            typeof (parsed as { after?: unknown }).after === 'string'
        ) {
            return (parsed as { after: string }).after;
        }
    } catch {
        // Falls through to the error below: a token this vault did not issue.
    }
    throw badParameter(`The skip token '${token}' is not valid.`);
}
