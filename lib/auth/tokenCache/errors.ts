/**
 * Every failure of the token cache carries a stable `code`, so callers (drive health, the callback)
 * branch on the code, never on message text: the same discipline msal-node uses for its errors.
 */
export type TokenCacheErrorCode =
    /** The stored row failed authentication: tampered, truncated, encrypted with another key, or moved to another partition. */
    | 'token_cache_integrity'
    /** Other writers kept winning the ETag race; the bounded retries ran out. */
    | 'token_cache_conflict'
    /** The row was deleted (disconnect or integration removal) while this writer held tokens read before that. */
    | 'token_cache_partition_removed'
    /** The MSAL cache is bigger than one Table entity can hold. */
    | 'token_cache_too_large'
    /** MSAL asked to write tokens of an account other than the one this partition is bound to. */
    | 'token_cache_partition_mismatch'
    /** A partition key or encryption key is not usable (empty, too long, wrong length). */
    | 'token_cache_invalid_argument';

export class TokenCacheError extends Error {
    constructor(
        readonly code: TokenCacheErrorCode,
        message: string,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = 'TokenCacheError';
    }
}
