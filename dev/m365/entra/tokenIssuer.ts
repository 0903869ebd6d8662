import { createHash } from 'node:crypto';
import type { Clock } from '../contract';
import { HOUR, MINUTE } from '../clock';
import { randomGuid, type SeededRandom } from '../random';
import { epochSeconds, signJwt, type JwtClaims } from './jwt';
import type { AppRegistration, Tenant, User } from './model';
import { GRAPH_RESOURCE } from './scopes';
import type { SigningKey } from './signingKey';

/** Entra's access tokens live a random 60 to 90 minutes (75 on average), per its documentation. */
const MIN_ACCESS_TOKEN_LIFETIME_MS = 60 * MINUTE;
const MAX_ACCESS_TOKEN_LIFETIME_MS = 90 * MINUTE;
const ID_TOKEN_LIFETIME_MS = HOUR;

/** How the client proved who it is: appidacr/azpacr are 1 for a secret, 2 for a certificate. */
/** How the client proved itself; 'none' for a public client (no credential to keep). */
export type ClientAuthMethod = 'secret' | 'certificate' | 'none';

/** The token endpoint's successful JSON body, as MSAL parses it. */
export interface TokenResponse {
    token_type: 'Bearer';
    scope: string;
    expires_in: number;
    ext_expires_in: number;
    access_token: string;
    refresh_token?: string;
    id_token?: string;
    client_info?: string;
}

export interface DelegatedTokenRequest {
    tenant: Tenant;
    app: AppRegistration;
    user: User;
    /** Graph permissions for scp (everything consented for this user and app). */
    graphScopes: string[];
    /** openid / profile / email / offline_access, as requested. */
    oidcScopes: string[];
    /** How the client spelled Graph's resource before its permissions ('' for bare names): the response's `scope` echoes it (scopes.ts graphScopePrefix). */
    scopePrefix?: string;
    clientAuth: ClientAuthMethod;
    nonce?: string;
    refreshToken?: string;
}

export class TokenIssuer {
    constructor(
        private readonly clock: Clock,
        private readonly key: SigningKey,
        private readonly authorityHost: string,
        private readonly random: () => SeededRandom,
    ) {}

    issuer(tenantId: string): string {
        return `${this.authorityHost}/${tenantId}/v2.0`;
    }

    delegated(request: DelegatedTokenRequest): TokenResponse {
        const { tenant, app, user } = request;
        const lifetime = this.accessTokenLifetime();
        const accessToken = this.sign({
            ...this.baseClaims(tenant.id, GRAPH_RESOURCE, lifetime),
            ...this.clientClaims(app, request.clientAuth),
            idtyp: 'user',
            oid: user.id,
            sub: pairwiseSubject(user.id, GRAPH_RESOURCE),
            name: user.displayName,
            upn: user.userPrincipalName,
            unique_name: user.userPrincipalName,
            preferred_username: user.userPrincipalName,
            scp: [...request.graphScopes, ...request.oidcScopes.filter((s) => s !== 'offline_access')].join(' '),
        });
        const seconds = Math.floor(lifetime / 1000);
        // The `scp` claim holds bare permission names; the response's `scope` is in the client's own form.
        const prefix = request.scopePrefix ?? '';
        return {
            token_type: 'Bearer',
            scope: [
                ...request.graphScopes.map((s) => `${prefix}${s}`),
                ...request.oidcScopes.filter((s) => s !== 'offline_access'),
            ].join(' '),
            expires_in: seconds,
            ext_expires_in: seconds,
            access_token: accessToken,
            ...(request.refreshToken ? { refresh_token: request.refreshToken } : {}),
            ...(request.oidcScopes.includes('openid') ? { id_token: this.idToken(request) } : {}),
            client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString('base64url'),
        };
    }

    /** Client credentials: `roles` carries the application permissions granted to the app. */
    application(tenant: Tenant, app: AppRegistration, clientAuth: ClientAuthMethod, scope: string): TokenResponse {
        const lifetime = this.accessTokenLifetime();
        const accessToken = this.sign({
            ...this.baseClaims(tenant.id, GRAPH_RESOURCE, lifetime),
            ...this.clientClaims(app, clientAuth),
            idtyp: 'app',
            oid: app.servicePrincipalId,
            sub: app.servicePrincipalId,
            ...(app.grantedRoles.length > 0 ? { roles: [...app.grantedRoles] } : {}),
        });
        const seconds = Math.floor(lifetime / 1000);
        return { token_type: 'Bearer', scope, expires_in: seconds, ext_expires_in: seconds, access_token: accessToken };
    }

    private idToken(request: DelegatedTokenRequest): string {
        const now = this.clock.now();
        const { tenant, app, user } = request;
        return this.sign({
            aud: app.appId,
            iss: this.issuer(tenant.id),
            iat: epochSeconds(now),
            nbf: epochSeconds(now),
            exp: epochSeconds(now + ID_TOKEN_LIFETIME_MS),
            tid: tenant.id,
            oid: user.id,
            sub: pairwiseSubject(user.id, app.appId),
            name: user.displayName,
            preferred_username: user.userPrincipalName,
            ...(request.oidcScopes.includes('email') ? { email: user.mail } : {}),
            ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
            uti: uti(),
            ver: '2.0',
        });
    }

    private baseClaims(tenantId: string, audience: string, lifetime: number): JwtClaims {
        const now = this.clock.now();
        return {
            aud: audience,
            iss: this.issuer(tenantId),
            iat: epochSeconds(now),
            nbf: epochSeconds(now),
            exp: epochSeconds(now + lifetime),
            tid: tenantId,
            uti: uti(),
            ver: '2.0',
        };
    }

    private clientClaims(app: AppRegistration, clientAuth: ClientAuthMethod): JwtClaims {
        // appidacr: 0 public client, 1 client id and secret, 2 certificate (Entra's access token claims reference).
        const acr = clientAuth === 'certificate' ? '2' : clientAuth === 'none' ? '0' : '1';
        return { appid: app.appId, azp: app.appId, app_displayname: app.displayName, appidacr: acr, azpacr: acr };
    }

    private accessTokenLifetime(): number {
        const minutes = this.random().integer(
            MIN_ACCESS_TOKEN_LIFETIME_MS / MINUTE,
            MAX_ACCESS_TOKEN_LIFETIME_MS / MINUTE + 1,
        );
        return minutes * MINUTE;
    }

    private sign(claims: JwtClaims): string {
        return signJwt({ typ: 'JWT', alg: 'RS256', kid: this.key.kid, x5t: this.key.kid }, claims, this.key.privateKey);
    }
}

/** Entra's `sub` is pairwise: the same user has a different subject for each app. */
function pairwiseSubject(userId: string, audience: string): string {
    return createHash('sha256').update(`${userId}|${audience}`).digest('base64url').slice(0, 43);
}

function uti(): string {
    return Buffer.from(randomGuid().replace(/-/g, ''), 'hex').toString('base64url');
}
