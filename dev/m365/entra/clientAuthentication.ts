import type { Clock } from '../contract';
import { MINUTE } from '../clock';
import { Aadsts, EntraError } from './errors';
import { decodeJwt, verifyJwtSignature, type DecodedJwt } from './jwt';
import type { AppRegistration, CertificateCredential } from './model';
import type { ClientAuthMethod } from './tokenIssuer';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra tolerates five minutes of clock skew on assertion lifetimes. */
const ASSERTION_CLOCK_SKEW_MS = 5 * MINUTE;

/** What a confidential client sent to prove its identity (client_secret_post, client_secret_basic or private_key_jwt). */
export interface ClientCredentials {
    clientSecret?: string;
    clientAssertionType?: string;
    clientAssertion?: string;
}

/**
 * Verifies a client assertion whose header names no registered certificate. Today nothing does:
 * federated identity credentials (a managed identity's token as the assertion) plug in here.
 */
export type AssertionVerifier = (app: AppRegistration, assertion: DecodedJwt) => ClientAuthMethod | undefined;

export interface ClientAuthenticationOptions {
    clock: Clock;
    /** Audiences Entra accepts in an assertion: the token endpoint URL (and the issuer). */
    acceptedAudiences: string[];
    federated?: AssertionVerifier;
}

/** Authenticates the client at the token endpoint or throws the AADSTS error Entra would return. */
export function authenticateClient(
    app: AppRegistration,
    credentials: ClientCredentials,
    options: ClientAuthenticationOptions,
): ClientAuthMethod {
    if (credentials.clientAssertion !== undefined || credentials.clientAssertionType !== undefined) {
        return verifyAssertion(app, credentials, options);
    }
    if (credentials.clientSecret !== undefined) return verifySecret(app, credentials.clientSecret, options.clock.now());
    throw new EntraError(Aadsts.missingCredential());
}

function verifySecret(app: AppRegistration, presented: string, now: number): ClientAuthMethod {
    const match = app.secrets.find((s) => s.secretText === presented);
    if (!match) throw new EntraError(Aadsts.invalidSecret(app.appId));
    if (match.endDateTime <= now) throw new EntraError(Aadsts.expiredSecret(app.appId));
    return 'secret';
}

function verifyAssertion(
    app: AppRegistration,
    credentials: ClientCredentials,
    options: ClientAuthenticationOptions,
): ClientAuthMethod {
    if (credentials.clientAssertionType !== JWT_BEARER_ASSERTION_TYPE)
        throw new EntraError(Aadsts.unsupportedAssertionType());
    if (!credentials.clientAssertion) throw new EntraError(Aadsts.missingParameter('client_assertion'));
    const jwt = decodeJwt(credentials.clientAssertion);
    if (!jwt) throw new EntraError(Aadsts.assertionMalformed('The token is not a compact JWS.'));
    const thumbprint = headerThumbprint(jwt);
    if (!thumbprint) {
        const federated = options.federated?.(app, jwt);
        if (federated) return federated;
        throw new EntraError(Aadsts.assertionNoThumbprint());
    }
    const certificate = findCertificate(app, thumbprint);
    if (!certificate) throw new EntraError(Aadsts.assertionKeyNotFound(thumbprint.display, app.appId));
    checkCertificateCurrent(certificate, thumbprint.display, options.clock.now());
    if (!verifyJwtSignature(jwt, certificate.publicKey))
        throw new EntraError(Aadsts.assertionBadSignature(thumbprint.display));
    checkClaims(app, jwt, options);
    return 'certificate';
}

interface Thumbprint {
    kind: 'sha1' | 'sha256';
    hex: string;
    /** As Entra echoes it in messages: the header value. */
    display: string;
}

/** x5t#S256 (SHA-256) is preferred; x5t (SHA-1) is what older clients send. Both are base64url. */
function headerThumbprint(jwt: DecodedJwt): Thumbprint | undefined {
    const sha256 = jwt.header['x5t#S256'];
    if (typeof sha256 === 'string' && sha256 !== '')
        return { kind: 'sha256', hex: base64UrlToHex(sha256), display: sha256 };
    const sha1 = jwt.header.x5t;
    if (typeof sha1 === 'string' && sha1 !== '') return { kind: 'sha1', hex: base64UrlToHex(sha1), display: sha1 };
    return undefined;
}

function findCertificate(app: AppRegistration, thumbprint: Thumbprint): CertificateCredential | undefined {
    return app.certificates.find(
        (c) => (thumbprint.kind === 'sha256' ? c.thumbprintSha256 : c.thumbprint) === thumbprint.hex,
    );
}

function checkCertificateCurrent(certificate: CertificateCredential, display: string, now: number): void {
    if (now >= certificate.endDateTime || now < certificate.startDateTime) {
        throw new EntraError(Aadsts.assertionKeyExpired(display, certificate.startDateTime, certificate.endDateTime));
    }
}

function checkClaims(app: AppRegistration, jwt: DecodedJwt, options: ClientAuthenticationOptions): void {
    const { claims } = jwt;
    if (claims.iss !== app.appId || claims.sub !== app.appId) throw new EntraError(Aadsts.assertionSubject());
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === 'string' && options.acceptedAudiences.includes(a))) {
        throw new EntraError(Aadsts.assertionAudience(String(claims.aud)));
    }
    const now = options.clock.now();
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : NaN;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf * 1000 : -Infinity;
    if (!(exp + ASSERTION_CLOCK_SKEW_MS > now) || nbf - ASSERTION_CLOCK_SKEW_MS > now)
        throw new EntraError(Aadsts.assertionLifetime());
}

function base64UrlToHex(value: string): string {
    return Buffer.from(value, 'base64url').toString('hex').toUpperCase();
}
