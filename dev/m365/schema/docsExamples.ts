import fs from 'node:fs';
import { describe } from './edmPrimitives';
import { oraclePath } from './oraclePaths';

/** One request/response example from the Graph docs (via pnp/proxy-samples' Dev Proxy mocks). */
export interface DocsExample {
    index: number;
    method: string;
    /** Path and query after /v1.0 with `*` wildcards, e.g. `/me/drive/items/*\/content?format=*`. */
    route: string;
    /** The docs' concrete example path after /v1.0 (placeholders such as `{item-id}` kept). */
    examplePath: string;
    status: number;
    headers: Record<string, string>;
    body: unknown;
    /** Keys of the example body when it is an object, else []. */
    topLevelKeys: string[];
}

interface RawMock {
    request: { url: string; exampleUrl: string; method: string };
    response: { statusCode: number; headers?: { name: string; value: string }[]; body?: unknown };
}

let cached: DocsExample[] | undefined;

/** The 45 drive, driveItem, site and subscription examples, in file order. */
export function loadDocsExamples(file: string = oraclePath('graph/docs-mocks-v1.json')): DocsExample[] {
    cached ??= (JSON.parse(fs.readFileSync(file, 'utf8')) as { mocks: RawMock[] }).mocks.map(toExample);
    return cached;
}

function toExample(mock: RawMock, index: number): DocsExample {
    const body = mock.response.body ?? null;
    return {
        index,
        method: mock.request.method.toUpperCase(),
        route: afterVersion(mock.request.url),
        examplePath: afterVersion(mock.request.exampleUrl),
        status: mock.response.statusCode,
        headers: Object.fromEntries((mock.response.headers ?? []).map((h) => [h.name.toLowerCase(), h.value])),
        body,
        topLevelKeys: isRecord(body) ? Object.keys(body) : [],
    };
}

/** Both absolute (`https://graph.microsoft.com/v1.0/me`) and relative (`/me`) forms occur. */
function afterVersion(url: string): string {
    const path = url.replace(/^https:\/\/graph\.microsoft\.com/, '').replace(/^\/v1\.0/, '');
    return path.startsWith('/') ? path : `/${path}`;
}

/** True when a path-and-query after /v1.0 matches an example's route (`*` matches any run of characters). */
export function routeMatches(route: string, pathAndQuery: string): boolean {
    const pattern = route
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
    return new RegExp(`^${pattern}$`).test(pathAndQuery);
}

/**
 * Differences between a docs example and an actual response: the status must match, and the actual
 * body must hold every key of the example, recursively through objects and through the first element
 * of `value` arrays. Values are not compared: the docs are abridged and have typos.
 */
export function compareWithExample(example: DocsExample, actual: { status: number; body: unknown }): string[] {
    const differences: string[] = [];
    if (actual.status !== example.status) differences.push(`status: expected ${example.status}, got ${actual.status}`);
    if (isRecord(example.body)) compareKeys(example.body, actual.body, '$', differences);
    return differences;
}

function compareKeys(expected: Record<string, unknown>, actual: unknown, at: string, out: string[]): void {
    if (!isRecord(actual)) {
        out.push(`${at}: expected an object, got ${describe(actual)}`);
        return;
    }
    for (const [key, value] of Object.entries(expected)) {
        const childAt = `${at}.${key}`;
        if (!(key in actual)) out.push(`${childAt}: missing`);
        else if (isRecord(value)) compareKeys(value, actual[key], childAt, out);
        else if (key === 'value' && Array.isArray(value)) compareFirstElements(value, actual[key], childAt, out);
    }
}

function compareFirstElements(expected: unknown[], actual: unknown, at: string, out: string[]): void {
    if (!Array.isArray(actual)) {
        out.push(`${at}: expected an array, got ${describe(actual)}`);
    } else if (isRecord(expected[0])) {
        if (actual.length === 0) out.push(`${at}: expected at least one element`);
        else compareKeys(expected[0], actual[0], `${at}[0]`, out);
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
