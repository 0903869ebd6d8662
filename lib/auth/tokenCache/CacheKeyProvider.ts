import { TokenCacheError } from './errors';

/** AES-256-GCM needs exactly this many key bytes. */
export const CACHE_KEY_BYTES = 32;

/**
 * Where the token cache's encryption key comes from. In production this is backed by Key Vault (a
 * secret holding 32 random bytes, read once per instance and cached); tests and local runs use
 * `staticKeyProvider`. Called before every encrypt/decrypt, so an implementation should cache.
 */
export interface CacheKeyProvider {
    getKey(): Promise<Buffer>;
}

export function staticKeyProvider(key: Buffer): CacheKeyProvider {
    const copy = Buffer.from(requireKeyLength(key));
    return { getKey: async () => copy };
}

export function requireKeyLength(key: Buffer): Buffer {
    if (key.length !== CACHE_KEY_BYTES) {
        throw new TokenCacheError(
            'token_cache_invalid_argument',
            `The token cache key must be ${CACHE_KEY_BYTES} bytes, got ${key.length}.`,
        );
    }
    return key;
}
