import type { Cookie } from '@azure/functions';

/** Serializes a handler's cookie as a Set-Cookie value, with the same attributes the worker emits. */
export function serializeCookie(c: Cookie): string {
    const parts = [`${c.name}=${encodeURIComponent(c.value)}`];
    if (c.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(c.maxAge)}`);
    if (c.domain) parts.push(`Domain=${c.domain}`);
    if (c.path) parts.push(`Path=${c.path}`);
    if (c.expires !== undefined) parts.push(`Expires=${new Date(c.expires).toUTCString()}`);
    if (c.httpOnly) parts.push('HttpOnly');
    if (c.secure) parts.push('Secure');
    if (c.sameSite) parts.push(`SameSite=${c.sameSite}`);
    return parts.join('; ');
}
