import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiError } from '../../../lib/http/apiError';
import { invalidFunctionKey, missingFunctionKey } from './hostErrors';

/** A key in the shape the host generates (URL-safe base64, 56 characters). */
export function generateFunctionKey(): string {
    return randomBytes(42).toString('base64url');
}

/**
 * The host accepts a key in the `x-functions-key` header or the `code` query parameter. The local host
 * has one key, used for 'function' and 'admin' levels alike (it plays the master key's role too).
 */
export function checkFunctionKey(
    headerValue: string | string[] | undefined,
    query: URLSearchParams,
    expected: string,
): ApiError | undefined {
    const sent = (Array.isArray(headerValue) ? headerValue[0] : headerValue) ?? query.get('code') ?? undefined;
    if (sent === undefined || sent === '') return missingFunctionKey();
    return sameKey(sent, expected) ? undefined : invalidFunctionKey();
}

function sameKey(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
