import { MINUTE } from '../clock';
import { unguessable } from '../random';

/** Authorization codes live 10 minutes and redeem once (Entra's documented behaviour). */
export const AUTH_CODE_LIFETIME_MS = 10 * MINUTE;

export interface AuthorizationCode {
    code: string;
    tenantId: string;
    clientId: string;
    userId: string;
    redirectUri: string;
    /** The scope parameter as the client sent it. */
    scope: string;
    nonce?: string;
    codeChallenge?: string;
    codeChallengeMethod?: 'S256' | 'plain';
    issuedAt: number;
    redeemed: boolean;
}

/**
 * A refresh token, opaque to clients. `grantIssuedAt` is when the user signed in (the start of the
 * chain of rotated tokens, which a password change revokes); `issuedAt` is when this one was issued
 * (the start of its own 90-day inactivity window).
 */
export interface RefreshGrant {
    token: string;
    tenantId: string;
    clientId: string;
    userId: string;
    scope: string;
    grantIssuedAt: number;
    issuedAt: number;
    /** Issued to a public client: redeemed without a client credential, as the code that began the chain. */
    publicClient?: boolean;
}

export class GrantStore {
    private codes = new Map<string, AuthorizationCode>();
    private refreshTokens = new Map<string, RefreshGrant>();

    issueCode(fields: Omit<AuthorizationCode, 'code' | 'redeemed'>): AuthorizationCode {
        const code: AuthorizationCode = { ...fields, code: unguessable(48), redeemed: false };
        this.codes.set(code.code, code);
        return code;
    }

    findCode(code: string): AuthorizationCode | undefined {
        return this.codes.get(code);
    }

    issueRefreshToken(fields: Omit<RefreshGrant, 'token'>): RefreshGrant {
        const grant: RefreshGrant = { ...fields, token: unguessable(64) };
        this.refreshTokens.set(grant.token, grant);
        return grant;
    }

    findRefreshToken(token: string): RefreshGrant | undefined {
        return this.refreshTokens.get(token);
    }

    reset(): void {
        this.codes.clear();
        this.refreshTokens.clear();
    }
}
