import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { requireKeyLength } from './CacheKeyProvider';
import { TokenCacheError } from './errors';

/**
 * Encryption at rest of one partition's MSAL cache (msal-node's caching guide: "encrypt the token
 * cache when persisting"). AES-256-GCM, a random 96-bit IV per write (never reuse an IV under one
 * key), and additional authenticated data naming the partition: a row copied to another integration
 * or account fails authentication instead of handing that partition someone else's refresh token.
 *
 * Sealed layout: iv (12) | ciphertext | tag (16). The JSON is deflated first: tokens are base64
 * JWTs and MSAL's key names repeat, so this roughly halves the stored size and keeps large caches
 * inside one entity (one entity = one ETag = atomic optimistic writes).
 */
export const CIPHER_FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PartitionRef {
    integrationId: string;
    homeAccountId: string;
}

export function sealCache(plaintext: string, key: Buffer, partition: PartitionRef): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', requireKeyLength(key), iv);
    cipher.setAAD(associatedData(partition));
    const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(plaintext, 'utf8'))), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function openCache(sealed: Buffer, key: Buffer, partition: PartitionRef): string {
    if (sealed.length < IV_BYTES + TAG_BYTES) throw integrityError(partition);
    const decipher = createDecipheriv('aes-256-gcm', requireKeyLength(key), sealed.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(partition));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
        const deflated = Buffer.concat([
            decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
            decipher.final(),
        ]);
        return inflateRawSync(deflated).toString('utf8');
    } catch (e) {
        throw integrityError(partition, e);
    }
}

/** A JSON array, so no choice of ids can make two different partitions produce the same bytes. */
function associatedData(p: PartitionRef): Buffer {
    return Buffer.from(JSON.stringify(['msal-token-cache', CIPHER_FORMAT, p.integrationId, p.homeAccountId]), 'utf8');
}

function integrityError(p: PartitionRef, cause?: unknown): TokenCacheError {
    return new TokenCacheError(
        'token_cache_integrity',
        `The token cache of account '${p.homeAccountId}' in integration '${p.integrationId}' failed to decrypt: ` +
            'it was modified, encrypted with another key, or copied from another partition. Reconnect the account.',
        { cause },
    );
}
