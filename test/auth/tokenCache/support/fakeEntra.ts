import { randomBytes } from 'node:crypto';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * A minimal Entra token endpoint behind msal-node's own network seam (`system.networkClient`), for
 * driving a real ConfidentialClientApplication. With authority https://login.microsoftonline.com/<tenant>
 * msal-node uses its built-in metadata, so the only request is the token POST (reference 3.5).
 * Codes are `code:<oid>`; every response issues a fresh access and refresh token.
 */
export interface FakeUser {
    oid: string;
    tid: string;
    upn: string;
}

export interface TokenRequestRecord {
    grantType: string;
    clientId: string;
    scope: string;
    refreshToken?: string;
}

export class FakeEntra implements INetworkModule {
    readonly requests: TokenRequestRecord[] = [];
    /** Size of each access token's random part; large values grow the cache for the size tests. */
    accessTokenBytes = 32;
    private readonly users = new Map<string, FakeUser>();
    private readonly refreshTokens = new Map<string, FakeUser>();
    private issued = 0;

    addUser(user: FakeUser): this {
        this.users.set(user.oid, user);
        return this;
    }

    async sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
        throw new Error(`FakeEntra: unexpected GET ${url}`);
    }

    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
        const form = new URLSearchParams(options?.body ?? '');
        const record: TokenRequestRecord = {
            grantType: form.get('grant_type') ?? '',
            clientId: form.get('client_id') ?? '',
            scope: form.get('scope') ?? '',
            refreshToken: form.get('refresh_token') ?? undefined,
        };
        this.requests.push(record);
        const user = this.userFor(record, form.get('code'));
        if (new URL(url).pathname !== `/${user?.tid}/oauth2/v2.0/token` || !user) {
            return {
                status: 400,
                headers: {},
                body: {
                    error: 'invalid_grant',
                    error_description: `AADSTS70000: unknown grant at ${url}`,
                    error_codes: [70000],
                } as T,
            };
        }
        return {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: this.tokenResponse(user, record) as T,
        };
    }

    /** The refresh token most recently issued, by number (rt-1, rt-2, ...). */
    lastRefreshToken(): string {
        return `rt-${this.issued}`;
    }

    private userFor(record: TokenRequestRecord, code: string | null): FakeUser | undefined {
        if (record.grantType === 'authorization_code') return this.users.get((code ?? '').replace(/^code:/, ''));
        if (record.grantType === 'refresh_token') return this.refreshTokens.get(record.refreshToken ?? '');
        return undefined;
    }

    private tokenResponse(user: FakeUser, record: TokenRequestRecord): Record<string, unknown> {
        const n = ++this.issued;
        const refreshToken = `rt-${n}`;
        this.refreshTokens.set(refreshToken, user);
        const now = Math.floor(Date.now() / 1000);
        const claims = {
            aud: record.clientId,
            iss: `https://login.microsoftonline.com/${user.tid}/v2.0`,
            tid: user.tid,
            oid: user.oid,
            sub: `sub-${user.oid}`,
            preferred_username: user.upn,
            name: user.upn,
            iat: now,
            nbf: now,
            exp: now + 3600,
            ver: '2.0',
        };
        return {
            token_type: 'Bearer',
            scope: record.scope
                .split(' ')
                .filter((s) => !['openid', 'profile', 'offline_access'].includes(s))
                .join(' '),
            expires_in: 3600,
            ext_expires_in: 3600,
            access_token: `at-${n}-${randomBytes(this.accessTokenBytes).toString('base64url')}`,
            refresh_token: refreshToken,
            id_token: [b64({ alg: 'none', typ: 'JWT' }), b64(claims), 'sig'].join('.'),
            client_info: b64({ uid: user.oid, utid: user.tid }),
        };
    }
}

function b64(value: object): string {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}
