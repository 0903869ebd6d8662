/**
 * A stand-in for the admin's browser in the OAuth flow: follows redirects between the service (served
 * on a random local port, but addressed by its PUBLIC_BASE_URL) and the simulator's sign-in page,
 * and submits that page's form like a person choosing an account.
 */
export interface BrowserOptions {
    /** The public origin the service believes it has (PUBLIC_BASE_URL). */
    publicOrigin: string;
    /** Where the service actually listens (the local host's URL). */
    serviceUrl: string;
}

export interface FlowEnd {
    /** The final URL the browser landed on (e.g. the platform's return URL) or the page it stopped at. */
    url: URL;
    status: number;
    body: string;
    /** Every URL the browser requested, in order (the callback URL among them). */
    history: URL[];
}

/** Opens a URL at the service as the browser would (public origin rewritten to the host). */
export function openAtService(url: URL, options: BrowserOptions): Promise<Response> {
    return fetch(toService(url, options), { redirect: 'manual' });
}

/**
 * `adminApproval`: what the person does on Entra's "Need admin approval" page: stay there (the default,
 * the sign-in simply stops) or follow "Return to the application without granting consent".
 */
export async function completeSignIn(
    connectUrl: string,
    login: string,
    options: BrowserOptions & { action?: 'accept' | 'cancel'; adminApproval?: 'stay' | 'return' },
): Promise<FlowEnd> {
    let url = new URL(connectUrl);
    const history: URL[] = [];
    for (let hop = 0; hop < 10; hop++) {
        history.push(url);
        const response = await fetch(toService(url, options), { redirect: 'manual' });
        const body = await response.text();
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
            url = new URL(location, url);
            if (!isServiceUrl(url, options) && !url.pathname.includes('/oauth2/v2.0/authorize'))
                return { url, status: response.status, body, history };
            continue;
        }
        if (response.status === 200 && body.includes('<form') && url.pathname.includes('/oauth2/v2.0/authorize')) {
            const next = await submitForm(url, body, login, options.action ?? 'accept');
            if (next instanceof URL) {
                url = next;
                continue;
            }
            if (options.adminApproval === 'return' && next.body.includes('Need admin approval')) {
                const back = await submitForm(url, next.body, login, 'return_without_consent');
                if (back instanceof URL) {
                    url = back;
                    continue;
                }
            }
            return { url, status: next.status, body: next.body, history };
        }
        return { url, status: response.status, body, history };
    }
    throw new Error('Too many redirects');
}

function isServiceUrl(url: URL, options: BrowserOptions): boolean {
    return url.origin === new URL(options.publicOrigin).origin;
}

function toService(url: URL, options: BrowserOptions): string {
    return isServiceUrl(url, options) ? `${options.serviceUrl}${url.pathname}${url.search}` : url.href;
}

/** Posts the page's form: the redirect it answers, or the page it shows instead (e.g. "Need admin approval"). */
async function submitForm(
    pageUrl: URL,
    html: string,
    login: string,
    action: 'accept' | 'cancel' | 'return_without_consent',
): Promise<URL | { status: number; body: string }> {
    const formAction = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
    if (formAction === undefined) throw new Error('No form on the sign-in page');
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g))
        fields[unescape(m[1]!)] = unescape(m[2]!);
    fields.login = login;
    fields.action = action;
    const posted = await fetch(new URL(unescape(formAction), pageUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
    });
    const location = posted.headers.get('location');
    if (location) return new URL(location, pageUrl);
    const body = await posted.text();
    if (posted.status === 200 && body.includes('<form')) return { status: posted.status, body };
    throw new Error(`Sign-in form answered ${posted.status}: ${body}`);
}

function unescape(s: string): string {
    return s
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
