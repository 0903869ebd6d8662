/** Scope strings as Entra reads them for the one resource the simulator serves: Microsoft Graph. */

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** OpenID Connect scopes: they shape the token response rather than name a Graph permission. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export interface ParsedScopes {
    /** Graph permission names without the resource prefix, e.g. Files.ReadWrite.All. */
    graph: string[];
    /** True when `.default` was asked for: every permission already consented. */
    graphDefault: boolean;
    oidc: string[];
    /** Scopes for a resource the simulator does not know. */
    unknown: string[];
}

export function splitScopes(raw: string | undefined): string[] {
    return (raw ?? '')
        .split(' ')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

export function parseScopes(raw: string | undefined): ParsedScopes {
    const parsed: ParsedScopes = { graph: [], graphDefault: false, oidc: [], unknown: [] };
    for (const scope of splitScopes(raw)) {
        const lower = scope.toLowerCase();
        if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
            pushUnique(parsed.oidc, lower);
            continue;
        }
        const permission = stripGraphPrefix(scope);
        if (permission === undefined) parsed.unknown.push(scope);
        else if (permission.toLowerCase() === '.default') parsed.graphDefault = true;
        else pushUnique(parsed.graph, permission);
    }
    return parsed;
}

/** `https://graph.microsoft.com/X`, `00000003-…/X` and a bare `X` all mean Graph permission X. */
function stripGraphPrefix(scope: string): string | undefined {
    for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) {
        if (scope.toLowerCase().startsWith(prefix)) return scope.slice(prefix.length);
    }
    if (scope.includes('://') || scope.includes('/')) return undefined;
    return scope;
}

/**
 * The resource prefix the client wrote before its Graph permissions (`https://graph.microsoft.com/`,
 * as the client spelled it), '' when it used bare names, undefined when it named none. Entra answers the token response's `scope`
 * in the form it was asked: Microsoft's example redeems `https://graph.microsoft.com/mail.read` and is
 * told `https://graph.microsoft.com/mail.read` (entra-docs identity-platform/v2-oauth2-auth-code-flow.md,
 * "Successful response"); MSAL's own fixtures answer bare `User.Read` with bare names and resource-qualified
 * scopes with resource-qualified ones (msal-common test/test_kit/StringConstants.ts, AUTHENTICATION_RESULT
 * and SSH_AUTHENTICATION_RESULT). MSAL caches an access token under the scopes it is given back and matches
 * them as strings (msal-common ScopeSet.containsScope), so answering in another form than asked makes
 * every acquireTokenSilent miss the cache and spend the refresh token.
 */
export function graphScopePrefix(raw: string | undefined): string | undefined {
    let bare = false;
    for (const scope of splitScopes(raw)) {
        for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) {
            if (scope.toLowerCase().startsWith(prefix)) return scope.slice(0, prefix.length);
        }
        if (stripGraphPrefix(scope) !== undefined && !(OIDC_SCOPES as readonly string[]).includes(scope.toLowerCase()))
            bare = true;
    }
    // undefined: the string names no Graph permission at all (only OpenID Connect scopes).
    return bare ? '' : undefined;
}

/** The resource of a client-credentials scope (`<resource>/.default`), or undefined when the suffix is missing. */
export function defaultScopeResource(scope: string): string | undefined {
    const suffix = '/.default';
    return scope.toLowerCase().endsWith(suffix) ? scope.slice(0, -suffix.length) : undefined;
}

export function isGraphResource(resource: string): boolean {
    const lower = resource.toLowerCase().replace(/\/+$/, '');
    return lower === GRAPH_RESOURCE || lower === GRAPH_APP_ID || lower === 'https://graph.microsoft.com/v1.0';
}

/** Permissions in `wanted` that `granted` lacks, compared case-insensitively as Entra does. */
export function missingScopes(wanted: readonly string[], granted: readonly string[]): string[] {
    const have = new Set(granted.map((s) => s.toLowerCase()));
    return wanted.filter((s) => !have.has(s.toLowerCase()));
}

export function unionScopes(...lists: readonly (readonly string[])[]): string[] {
    const out: string[] = [];
    for (const list of lists) for (const s of list) pushUnique(out, s);
    return out;
}

function pushUnique(list: string[], value: string): void {
    if (!list.some((s) => s.toLowerCase() === value.toLowerCase())) list.push(value);
}
