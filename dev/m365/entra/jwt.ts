import { constants, createSign, createVerify, type KeyObject } from 'node:crypto';

/** Compact JWS (RFC 7515) with RS256 and PS256: what Entra signs with and what MSAL signs assertions with. */

export type JwtHeader = {
    alg: string;
    typ?: string;
    kid?: string;
    x5t?: string;
    'x5t#S256'?: string;
    x5c?: string[];
} & Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
    header: JwtHeader;
    claims: JwtClaims;
    signingInput: string;
    signature: Buffer;
}

export function signJwt(header: JwtHeader, claims: JwtClaims, privateKey: KeyObject): string {
    const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(signatureKey(header.alg, privateKey));
    return `${signingInput}.${signature.toString('base64url')}`;
}

/** Splits and parses a compact JWS; undefined when it is not one (wrong segment count, bad JSON). */
export function decodeJwt(token: string): DecodedJwt | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
        const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as JwtHeader;
        const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as JwtClaims;
        if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null)
            return undefined;
        return {
            header,
            claims,
            signingInput: `${parts[0]}.${parts[1]}`,
            signature: Buffer.from(parts[2]!, 'base64url'),
        };
    } catch {
        return undefined;
    }
}

/** True when the signature is valid for the header's algorithm (RS256 or PS256 only). */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
    if (jwt.header.alg !== 'RS256' && jwt.header.alg !== 'PS256') return false;
    try {
        return createVerify('RSA-SHA256')
            .update(jwt.signingInput)
            .verify(signatureKey(jwt.header.alg, publicKey), jwt.signature);
    } catch {
        return false;
    }
}

function signatureKey(
    alg: string,
    key: KeyObject,
): KeyObject | { key: KeyObject; padding: number; saltLength: number } {
    if (alg === 'RS256') return key;
    if (alg === 'PS256')
        return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    throw new Error(`Unsupported JWS algorithm ${alg}`);
}

function encodeSegment(value: object): string {
    return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Epoch seconds, the unit of JWT time claims. */
export function epochSeconds(ms: number): number {
    return Math.floor(ms / 1000);
}
