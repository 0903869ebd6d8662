import type { SimItem } from '../model/types';
import { cTagOf, eTagOf } from '../items/serialize';
import { GraphError, malformedEntityTag, preconditionFailed } from './errors';
import type { Exchange } from './exchange';

/**
 * If-Match / If-None-Match. Graph accepts either the eTag or the cTag; unquoted values are
 * rejected as malformed (errors.md: "ETags must be quoted strings").
 */
function parseTags(value: string): string[] {
    const tags = value.split(/,(?=\s*(?:W\/)?")/).map((t) => t.trim().replace(/^W\//, ''));
    for (const t of tags) if (t !== '*' && !/^".*"$/.test(t)) throw malformedEntityTag();
    return tags;
}

const matches = (tags: string[], item: SimItem): boolean =>
    tags.some((t) => t === '*' || t === eTagOf(item) || t === cTagOf(item));

export function checkIfMatch(ex: Exchange, item: SimItem | undefined): void {
    const value = ex.header('if-match');
    if (value === undefined) return;
    const tags = parseTags(value);
    if (!item || !matches(tags, item)) throw preconditionFailed();
}

/** True when the client's cached copy is current (GET → 304). */
export function ifNoneMatchHits(ex: Exchange, item: SimItem): boolean {
    const value = ex.header('if-none-match');
    if (value === undefined) return false;
    return matches(parseTags(value), item);
}

export function checkIfNoneMatchForWrite(ex: Exchange, item: SimItem | undefined): void {
    const value = ex.header('if-none-match');
    if (value === undefined || !item) return;
    if (matches(parseTags(value), item))
        throw new GraphError(
            412,
            'resourceModified',
            'The item already matches the given tag.',
            'entityTagDoesNotMatch',
        );
}
