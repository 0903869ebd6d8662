import type { TableClient } from '@azure/data-tables';
import { CIPHER_FORMAT } from './cacheCipher';
import { TokenCacheError } from './errors';
import { encodeTableKey } from './tableKey';

/**
 * One row per (integration, account): PartitionKey = integration id, RowKey = home account id, both
 * percent-encoded (tableKey.ts). The sealed cache is split across binary properties Data0..DataN
 * because a Table property holds at most 64 KiB; keeping every chunk in the one entity (at most
 * 1 MiB) means a write is a single ETag-guarded operation, which separate rows could not give us
 * (Table transactions do not honour If-Match on Azurite, and a reader could see half a cache).
 */
export interface TokenCacheEntity {
    partitionKey: string;
    rowKey: string;
    Format: number;
    Chunks: number;
    [data: `Data${number}`]: Uint8Array;
}

const CHUNK_BYTES = 64 * 1024;
/** 15 full chunks plus keys and property names stay under the 1 MiB entity limit. */
const MAX_CHUNKS = 15;

export function partitionKeyOf(integrationId: string): string {
    return encodeTableKey(integrationId, 'integration id');
}

export function rowKeyOf(homeAccountId: string): string {
    return encodeTableKey(homeAccountId, 'home account id');
}

export function toEntity(integrationId: string, homeAccountId: string, sealed: Buffer): TokenCacheEntity {
    const chunks = Math.max(1, Math.ceil(sealed.length / CHUNK_BYTES));
    if (chunks > MAX_CHUNKS) {
        throw new TokenCacheError(
            'token_cache_too_large',
            `The token cache of account '${homeAccountId}' is ${sealed.length} bytes sealed; one entity holds at most ${MAX_CHUNKS * CHUNK_BYTES}.`,
        );
    }
    const entity: TokenCacheEntity = {
        partitionKey: partitionKeyOf(integrationId),
        rowKey: rowKeyOf(homeAccountId),
        Format: CIPHER_FORMAT,
        Chunks: chunks,
    };
    for (let i = 0; i < chunks; i++) entity[`Data${i}`] = sealed.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
    return entity;
}

/** Reassembles the sealed bytes; a missing chunk or unknown format is an integrity failure later, not a crash here. */
export function sealedBytesOf(entity: Record<string, unknown>): Buffer {
    const chunks = typeof entity.Chunks === 'number' ? entity.Chunks : 0;
    if (entity.Format !== CIPHER_FORMAT) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (let i = 0; i < chunks; i++) {
        const part = entity[`Data${i}`];
        if (!(part instanceof Uint8Array)) return Buffer.alloc(0);
        parts.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    }
    return Buffer.concat(parts);
}

/** Idempotent: the SDK's createTable treats "already exists" as success. */
export async function ensureTokenCacheTable(tableClient: TableClient): Promise<void> {
    await tableClient.createTable();
}
