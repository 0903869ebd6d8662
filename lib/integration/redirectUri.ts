/** The path Entra must redirect to; registered by the admin in the app registration. */
export const CALLBACK_PATH = '/oauth2/sharepoint/callback';

export interface RedirectUriProblem {
    code: string;
    message: string;
}

/**
 * Entra compares redirect URIs exactly (case, trailing slash, spaces), and the manual guide's most
 * common failure is a near-miss. Reject near-misses here with a precise reason instead of letting the
 * admin discover AADSTS50011 at sign-in.
 */
export function checkRedirectUri(value: string): RedirectUriProblem | undefined {
    if (value !== value.trim())
        return {
            code: 'redirect_uri_spaces',
            message: 'The redirect URI has leading or trailing spaces; Entra compares it exactly.',
        };
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return { code: 'redirect_uri_invalid', message: 'The redirect URI is not an absolute URL.' };
    }
    const localhost = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) {
        return {
            code: 'redirect_uri_not_https',
            message: 'The redirect URI must use HTTPS (Entra allows http only for localhost).',
        };
    }
    if (url.search || url.hash)
        return { code: 'redirect_uri_query', message: 'The redirect URI must not have a query string or fragment.' };
    if (value.endsWith('/'))
        return { code: 'redirect_uri_trailing_slash', message: 'The redirect URI must not end with a slash.' };
    if (url.pathname !== CALLBACK_PATH) {
        const caseOnly = url.pathname.toLowerCase() === CALLBACK_PATH;
        return {
            code: 'redirect_uri_path',
            message: caseOnly
                ? `The redirect URI path must be exactly ${CALLBACK_PATH} (it differs only in letter case, which Entra treats as a different URI).`
                : `The redirect URI path must be ${CALLBACK_PATH}.`,
        };
    }
    return undefined;
}

export function defaultRedirectUri(publicBaseUrl: string): string {
    return `${publicBaseUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}
