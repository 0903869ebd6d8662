import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { cacheKeyProvider } from '../../auth/accessToken';
import type { Services } from '../../runtime/services';
import { META } from './platformLayout';

/**
 * Blob metadata the sync relies on (the QuickXorHash the service computed, the dirty flag) lives on
 * blobs that the platform, and anyone it hands an upload slot to, can write: a write SAS lets its
 * holder set any `x-ms-meta-*` on Put Blob, Put Block List or Set Blob Metadata. So the service seals
 * what it writes: `syncseal` = HMAC-SHA256 over the sealed fields and the blob's size, with a key the
 * client never sees (derived with HKDF from the token-cache key in Key Vault). Metadata without a
 * valid seal is ignored: a forged hash cannot make the planner take new content for old, or for
 * SharePoint's.
 *
 * A client cannot replay a seal either: an upload slot grants create + write only, never read, so it
 * cannot read the seal of any blob, and any write it makes replaces the whole metadata set. The size
 * is sealed so a seal cannot survive a rewrite to another length. Moves and trash copies keep the
 * metadata, so the seal stays valid on the copy (it does not name the blob).
 */
export interface SealedFields {
    quickXorHash?: string;
    dirty?: boolean;
}

export interface MetadataSeal {
    /** The metadata to write for these fields on a blob of `size` bytes (the seal included). */
    seal(fields: SealedFields, size: number): Record<string, string>;
    /** The fields of `metadata` the service wrote for a blob of `size` bytes; {} if the seal is missing or wrong. */
    trusted(metadata: Record<string, string> | undefined, size: number): SealedFields;
}

const FORMAT = 'v1';

export async function metadataSeal(services: Services): Promise<MetadataSeal> {
    const master = await cacheKeyProvider(services).getKey();
    return metadataSealWithKey(
        Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'platform-store metadata seal v1', 32)),
    );
}

export function metadataSealWithKey(key: Buffer): MetadataSeal {
    const mac = (fields: SealedFields, size: number) =>
        createHmac('sha256', key)
            .update(JSON.stringify([FORMAT, fields.quickXorHash ?? '', fields.dirty === true, size]))
            .digest('base64url');
    return {
        seal(fields, size) {
            return {
                ...(fields.quickXorHash ? { [META.hash]: fields.quickXorHash } : {}),
                ...(fields.dirty ? { [META.dirty]: '1' } : {}),
                [META.seal]: `${FORMAT}.${mac(fields, size)}`,
            };
        },
        trusted(metadata, size) {
            const seal = metadata?.[META.seal];
            if (!seal?.startsWith(`${FORMAT}.`)) return {};
            const fields: SealedFields = {
                ...(metadata?.[META.hash] ? { quickXorHash: metadata[META.hash] } : {}),
                ...(metadata?.[META.dirty] === '1' ? { dirty: true } : {}),
            };
            const expected = Buffer.from(mac(fields, size));
            const given = Buffer.from(seal.slice(FORMAT.length + 1));
            return given.length === expected.length && timingSafeEqual(given, expected) ? fields : {};
        },
    };
}
