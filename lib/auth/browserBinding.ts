import type { Cookie } from '@azure/functions';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Binds one sign-in to the browser that started it. `/connect` hands the browser a random secret in
 * a cookie and stores only its hash with the OAuth state; `/callback` accepts the state only from a
 * browser that presents the secret. An authorize URL or a callback URL forwarded to (or planted in)
 * another browser then fails instead of connecting whoever signs in there (RFC 9700 §4.7: one-time
 * CSRF tokens bound to the user agent). A connect link forwarded *before* it is opened starts a new
 * binding in the other browser: for personal drives the expected-user check (expectedUser.ts) stops
 * that one.
 *
 * The cookie: HttpOnly (no script reads it), SameSite=Lax (sent on Entra's top-level redirect back to
 * the callback, not on cross-site subrequests), Path=/, Max-Age = the state's lifetime, and named
 * after the state, so two sign-ins in one browser (two tabs) do not overwrite each other.
 *
 * Secure: always when PUBLIC_BASE_URL is https, with the `__Host-` prefix (the browser then refuses
 * the cookie from anything but this exact HTTPS host). Local development serves http://localhost,
 * where a Secure cookie is not kept by every browser (Chrome and Firefox treat localhost as a secure
 * context, Safari does not); there, and only for a loopback host, the cookie is sent without Secure:
 * it never leaves the machine. Any other http:// base URL still gets Secure, so the browser drops the
 * cookie and the sign-in fails with `browser_mismatch` rather than run without the binding.
 */
export const BINDING_MAX_AGE_SECONDS = 10 * 60;
const NAME = 'spsync-oauth-';

export interface BrowserBinding {
    /** Goes to the browser (cookie value). */
    secret: string;
    /** Stored with the state. */
    hash: string;
}

export function newBrowserBinding(): BrowserBinding {
    const secret = randomBytes(32).toString('base64url');
    return { secret, hash: hashOf(secret) };
}

export function bindingMatches(secret: string | undefined, storedHash: string): boolean {
    if (!secret || secret.length > 200) return false;
    const a = Buffer.from(hashOf(secret), 'hex');
    const b = Buffer.from(storedHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
}

/** Plain http only on loopback (local development); everything else is served and cookied as HTTPS. */
export function cookiesAreSecure(publicBaseUrl: string): boolean {
    const url = new URL(publicBaseUrl);
    return url.protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function bindingCookieName(state: string, secure: boolean): string {
    return `${secure ? '__Host-' : ''}${NAME}${createHash('sha256').update(state).digest('hex').slice(0, 16)}`;
}

export function bindingCookie(state: string, secret: string, publicBaseUrl: string): Cookie {
    const secure = cookiesAreSecure(publicBaseUrl);
    return {
        name: bindingCookieName(state, secure),
        value: secret,
        path: '/',
        httpOnly: true,
        secure,
        sameSite: 'Lax',
        maxAge: BINDING_MAX_AGE_SECONDS,
    };
}

/** Sent with the callback's answer, whatever it is: the binding is single-use like the state. */
export function expiredBindingCookie(state: string, publicBaseUrl: string): Cookie {
    return { ...bindingCookie(state, '', publicBaseUrl), maxAge: 0 };
}

/** The value of one cookie of a `Cookie` request header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
    for (const part of (header ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === name) {
            const raw = part.slice(eq + 1).trim();
            try {
                return decodeURIComponent(raw);
            } catch {
                return raw;
            }
        }
    }
    return undefined;
}

function hashOf(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex');
}
