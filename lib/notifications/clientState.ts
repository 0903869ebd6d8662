import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A subscription's clientState: 32 random bytes (43 characters, under Graph's 128). Only its SHA-256
 * is stored, so a leaked table row cannot forge notifications; it is never logged.
 */
export function newClientState(): string {
    return randomBytes(32).toString('base64url');
}

export function hashClientState(clientState: string): string {
    return createHash('sha256').update(clientState, 'utf8').digest('base64');
}

/** Constant-time comparison of a received clientState with the stored hash. */
export function clientStateMatches(received: unknown, storedHash: string): boolean {
    if (typeof received !== 'string' || received.length === 0 || received.length > 128) return false;
    const a = Buffer.from(hashClientState(received), 'base64');
    const b = Buffer.from(storedHash, 'base64');
    return a.length === b.length && timingSafeEqual(a, b);
}
