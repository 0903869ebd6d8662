import { randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidFunctionKey, missingFunctionKey, notTheMasterKey, type HostRefusal } from './hostErrors';

/** A key in the shape the host generates (URL-safe base64, 56 characters). */
export function generateFunctionKey(): string {
    return randomBytes(42).toString('base64url');
}

/**
 * The keys the local host accepts, as Azure's host holds them (learn.microsoft.com/azure/azure-functions/
 * function-keys-how-to, "Understand keys"):
 * - `master`: the `_master` host key. Accepted at every level; the only key accepted at `admin` level
 *   (the service's management routes) and on the host's own routes (here: firing a timer).
 * - `platform`: a named host key (`platform`). Accepted at `function` level only: a host key
 *   "allows access to all function endpoints", never to `admin` ones.
 */
export interface HostKeys {
    master: string;
    platform: string;
}

export type KeyLevel = 'function' | 'admin';

/** The host accepts a key in the `x-functions-key` header or the `code` query parameter. */
export function sentKey(headerValue: string | string[] | undefined, query: URLSearchParams): string | undefined {
    const sent = (Array.isArray(headerValue) ? headerValue[0] : headerValue) ?? query.get('code') ?? undefined;
    return sent === '' ? undefined : sent;
}

export function checkFunctionKey(
    headerValue: string | string[] | undefined,
    query: URLSearchParams,
    keys: HostKeys,
    level: KeyLevel,
): HostRefusal | undefined {
    const sent = sentKey(headerValue, query);
    if (sent === undefined) return missingFunctionKey(level);
    if (sameKey(sent, keys.master)) return undefined;
    if (sameKey(sent, keys.platform)) return level === 'function' ? undefined : notTheMasterKey();
    return invalidFunctionKey(level);
}

function sameKey(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
