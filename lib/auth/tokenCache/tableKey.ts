import { TokenCacheError } from './errors';

/**
 * Table Storage forbids `/ \ # ?` and control characters (U+0000-U+001F, U+007F-U+009F) in
 * PartitionKey and RowKey, and caps each at 1 KiB. MSAL's home account id is normally `oid.tid`, but
 * B2C and ADFS ids are free-form, so keys are percent-encoded: only the forbidden characters and `%`
 * itself change, which keeps ordinary ids readable in Storage Explorer and the encoding reversible.
 */
function mustEscape(c: string): boolean {
    const code = c.charCodeAt(0);
    return '%/\\#?'.includes(c) || code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** 1 KiB, counted as UTF-16 (the conservative reading of the documented limit). */
const MAX_KEY_CHARS = 512;

export function encodeTableKey(value: string, what: string): string {
    if (!value) throw new TokenCacheError('token_cache_invalid_argument', `The ${what} must not be empty.`);
    const encoded = Array.from(value, (c) =>
        mustEscape(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c,
    ).join('');
    if (encoded.length > MAX_KEY_CHARS) {
        throw new TokenCacheError(
            'token_cache_invalid_argument',
            `The ${what} is too long for a Table key (${encoded.length} characters encoded, at most ${MAX_KEY_CHARS}).`,
        );
    }
    return encoded;
}

export function decodeTableKey(encoded: string): string {
    return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
