/**
 * Return URLs for the OAuth flow must be on one of the platform's allowed origins: anything else
 * would make the callback an open redirect.
 */
export function isAllowedReturnUrl(candidate: string, allowedOrigins: readonly string[]): boolean {
    let url: URL;
    try {
        url = new URL(candidate);
    } catch {
        return false;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    return allowedOrigins.some((origin) => new URL(origin).origin === url.origin);
}
