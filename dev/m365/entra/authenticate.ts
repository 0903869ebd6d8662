import type { AuthResult, Principal } from '../contract';
import type { EntraContext } from './context';
import { decodeJwt, verifyJwtSignature, type JwtClaims } from './jwt';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './scopes';

/**
 * Graph's side of an access token: signature by the simulator's key, issuer of a known tenant,
 * audience Microsoft Graph, and lifetime against the simulated clock. Messages are the ones Graph
 * puts in its 401 InvalidAuthenticationToken errors.
 */
export function createAuthenticator(ctx: EntraContext): (authorizationHeader: string | undefined) => AuthResult {
    return (header) => authenticate(ctx, header);
}

const fail = (message: string): AuthResult => ({ ok: false, message });

function authenticate(ctx: EntraContext, header: string | undefined): AuthResult {
    const token = bearerToken(header);
    if (!token) return fail('Access token is empty.');
    const jwt = decodeJwt(token);
    if (!jwt) return fail('IDX14100: JWT is not well formed, there are no dots (.).');
    if (jwt.header.kid !== ctx.signingKey.kid || !verifyJwtSignature(jwt, ctx.signingKey.publicKey)) {
        return fail('Access token validation failure.');
    }
    const { claims } = jwt;
    if (claims.aud !== GRAPH_RESOURCE && claims.aud !== GRAPH_APP_ID)
        return fail('Access token validation failure. Invalid audience.');
    const tenantId = typeof claims.tid === 'string' ? claims.tid : '';
    if (!ctx.tenants.findTenant(tenantId) || claims.iss !== ctx.issuer.issuer(tenantId))
        return fail('Access token validation failure. Invalid issuer.');
    const now = ctx.clock.now();
    const expiresAt = numberClaim(claims, 'exp') * 1000;
    const notBefore = numberClaim(claims, 'nbf') * 1000;
    if (!(now < expiresAt) || now < notBefore) return fail('Lifetime validation failed, the token is expired.');
    return { ok: true, principal: principalOf(claims, tenantId, expiresAt) };
}

function bearerToken(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match?.[1];
}

function numberClaim(claims: JwtClaims, name: string): number {
    const value = claims[name];
    return typeof value === 'number' ? value : NaN;
}

function principalOf(claims: JwtClaims, tenantId: string, expiresAt: number): Principal {
    const delegated = claims.idtyp !== 'app' && typeof claims.scp === 'string';
    return {
        tenantId,
        appId: String(claims.appid ?? claims.azp ?? ''),
        kind: delegated ? 'delegated' : 'application',
        userId: delegated ? String(claims.oid) : undefined,
        scopes: typeof claims.scp === 'string' ? claims.scp.split(' ').filter((s) => s !== '') : [],
        roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
        expiresAt,
    };
}
