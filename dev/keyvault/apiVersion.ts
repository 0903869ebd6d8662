import { missingApiVersion, unsupportedApiVersion } from './errors';

/**
 * The data-plane api-versions Key Vault recognises for secrets: the GA versions from 2016-10-01 through
 * 7.6 and 2025-07-01 (what @azure/keyvault-secrets 4.11 sends), plus the 7.x previews. Anything else
 * is refused, so a client pinned to a version the real service would reject fails here too.
 */
export const LATEST_API_VERSION = '2025-07-01';

const KNOWN = /^(2015-06-01|2016-10-01|7\.[0-6](-preview(\.\d+)?)?|2025-07-01)$/;

export function readApiVersion(query: URLSearchParams): string {
    const requested = query.get('api-version');
    if (!requested) throw missingApiVersion();
    if (!KNOWN.test(requested)) throw unsupportedApiVersion(requested, LATEST_API_VERSION);
    return requested;
}
