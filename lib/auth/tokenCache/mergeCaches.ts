/**
 * Three-way merge of serialized MSAL caches, used when an ETag write loses the race.
 *
 * Why: two function instances (a timer's sync and a queued transfer, say) can refresh the same
 * account at the same moment. Each serializes its whole in-memory cache; without a merge the later
 * write would silently drop whatever the earlier one added: access tokens for other resources,
 * refresh tokens under other keys. MSAL's cache is a set of keyed maps, so the merge is per entry:
 *
 * - base:   what this writer read before its change (its ETag's version)
 * - mine:   what this writer wants to store
 * - theirs: what the winner stored meanwhile
 *
 * An entry only one side changed takes that side's version (including removal). An entry both sides
 * changed takes the newer one (access tokens by `cached_at`, accounts by `last_modification_time`;
 * with no timestamp, this writer's, which is the later write); when one side removed it and the other
 * changed it, the changed entry survives: a token someone just obtained is never thrown away.
 */
export const CACHE_SECTIONS = ['Account', 'IdToken', 'AccessToken', 'RefreshToken', 'AppMetadata'] as const;

type Entry = unknown;
type Section = Record<string, Entry>;
type CacheDocument = Record<string, unknown>;

const TIMESTAMP_FIELD: Partial<Record<(typeof CACHE_SECTIONS)[number], string>> = {
    AccessToken: 'cached_at',
    Account: 'last_modification_time',
};

export function mergeCacheJson(base: string, mine: string, theirs: string): string {
    const [b, m, t] = [parse(base), parse(mine), parse(theirs)];
    // Unknown root keys (future MSAL sections): this writer's copy, else the winner's.
    const merged: CacheDocument = { ...t, ...m };
    for (const name of CACHE_SECTIONS) {
        merged[name] = mergeSection(section(b, name), section(m, name), section(t, name), TIMESTAMP_FIELD[name]);
    }
    return JSON.stringify(merged);
}

function mergeSection(base: Section, mine: Section, theirs: Section, timestampField?: string): Section {
    const out: Section = {};
    for (const key of new Set([...Object.keys(base), ...Object.keys(mine), ...Object.keys(theirs)])) {
        const entry = resolve(base[key], mine[key], theirs[key], timestampField);
        if (entry !== undefined) out[key] = entry;
    }
    return out;
}

function resolve(base: Entry, mine: Entry, theirs: Entry, timestampField?: string): Entry {
    if (same(mine, theirs) || same(theirs, base)) return mine;
    if (same(mine, base)) return theirs;
    if (mine === undefined) return theirs;
    if (theirs === undefined) return mine;
    return timestampOf(theirs, timestampField) > timestampOf(mine, timestampField) ? theirs : mine;
}

function timestampOf(entry: Entry, field?: string): number {
    const raw = field ? (entry as Record<string, unknown>)[field] : undefined;
    const n = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : NaN;
    return Number.isFinite(n) ? n : -Infinity;
}

function same(a: Entry, b: Entry): boolean {
    return canonical(a) === canonical(b);
}

/** JSON with sorted keys: MSAL does not promise property order across serialize round trips. */
function canonical(value: unknown): string {
    if (value === undefined) return 'undefined';
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
        .join(',')}}`;
}

function parse(json: string): CacheDocument {
    if (!json) return {};
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as CacheDocument) : {};
}

function section(doc: CacheDocument, name: string): Section {
    const value = doc[name];
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Section) : {};
}
