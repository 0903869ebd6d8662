import type { AccountInfo } from '@azure/msal-node';

/**
 * The person a connection is for, as the platform names them: their Entra object id (`oid`, stable:
 * preferred) or user principal name. A personal drive's connect ticket carries it; the signed-in
 * account must be that person before any token is stored or any drive bound, so a connect link
 * forwarded to a colleague cannot bind the colleague's OneDrive (and refresh token) to the drive.
 */
export interface ExpectedUser {
    oid?: string;
    upn?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "oid or UPN" as the API takes it: a GUID is an object id, anything else a UPN. */
export function parseExpectedUser(value: string): ExpectedUser {
    const v = value.trim();
    return GUID.test(v) ? { oid: v.toLowerCase() } : { upn: v };
}

/** The expected user of an already connected account: its oid (MSAL's home account id is `oid.tid`). */
export function expectedUserOfAccount(account: { homeAccountId: string; username: string }): ExpectedUser {
    const oid = account.homeAccountId.split('.')[0] ?? '';
    return GUID.test(oid) ? { oid: oid.toLowerCase() } : { upn: account.username };
}

/** What to send as login_hint: Entra pre-fills the sign-in page with a UPN (an oid means nothing to it). */
export function loginHintFor(expected: ExpectedUser | undefined, knownUsername?: string): string | undefined {
    return expected?.upn ?? knownUsername;
}

/**
 * True if the signed-in account is the expected user. The oid comes from the ID token MSAL validated
 * (`oid` claim; localAccountId is the same value); a UPN is compared with the `upn` claim, else
 * `preferred_username` (Entra puts the UPN there for work accounts), case-insensitively.
 */
export function isExpectedUser(expected: ExpectedUser | undefined, account: AccountInfo): boolean {
    if (!expected || (!expected.oid && !expected.upn)) return true;
    const claims = (account.idTokenClaims ?? {}) as { oid?: unknown; upn?: unknown; preferred_username?: unknown };
    if (expected.oid) {
        const oid = typeof claims.oid === 'string' ? claims.oid : account.localAccountId;
        if (!oid || oid.toLowerCase() !== expected.oid.toLowerCase()) return false;
    }
    if (expected.upn) {
        const upn =
            typeof claims.upn === 'string'
                ? claims.upn
                : typeof claims.preferred_username === 'string'
                  ? claims.preferred_username
                  : account.username;
        if (!upn || upn.toLowerCase() !== expected.upn.toLowerCase()) return false;
    }
    return true;
}
