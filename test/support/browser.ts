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
    /** The browser's cookies for the service; a fresh jar (a new browser) when absent. */
    cookies?: CookieJar;
}

/**
 * The cookies a browser keeps for the service's origin, with the attributes that decide whether it
 * sends them back: Max-Age (0 deletes) and Secure (only over https, or to localhost, which browsers
 * treat as a secure context). Path is `/` for every cookie the service sets.
 */
export class CookieJar {
    readonly cookies = new Map<string, { value: string; secure: boolean; httpOnly: boolean; sameSite?: string }>();

    store(response: Response): void {
        for (const line of response.headers.getSetCookie()) {
            const [pair, ...attributes] = line.split(';').map((p) => p.trim());
            const eq = pair!.indexOf('=');
            const name = pair!.slice(0, eq);
            const attr = (n: string) => attributes.find((a) => a.toLowerCase().startsWith(n.toLowerCase()));
            if (attributes.some((a) => a.toLowerCase() === 'max-age=0')) {
                this.cookies.delete(name);
                continue;
            }
            this.cookies.set(name, {
                value: pair!.slice(eq + 1),
                secure: attr('Secure') !== undefined,
                httpOnly: attr('HttpOnly') !== undefined,
                sameSite: attr('SameSite=')?.slice('SameSite='.length),
            });
        }
    }

    header(origin: string): string | undefined {
        const url = new URL(origin);
        const secureContext = url.protocol === 'https:' || url.hostname === 'localhost';
        const sent = [...this.cookies].filter(([, c]) => !c.secure || secureContext);
        return sent.length > 0 ? sent.map(([n, c]) => `${n}=${c.value}`).join('; ') : undefined;
    }
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
export async function openAtService(url: URL, options: BrowserOptions): Promise<Response> {
    return visit(url, options, options.cookies ?? new CookieJar());
}

/** One request as the browser makes it: cookies out to the service, Set-Cookie from it kept. */
async function visit(url: URL, options: BrowserOptions, jar: CookieJar): Promise<Response> {
    const service = isServiceUrl(url, options);
    const cookie = service ? jar.header(options.publicOrigin) : undefined;
    const response = await fetch(toService(url, options), {
        redirect: 'manual',
        headers: cookie ? { cookie } : {},
    });
    if (service) jar.store(response);
    return response;
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
    const jar = options.cookies ?? new CookieJar();
    for (let hop = 0; hop < 10; hop++) {
        history.push(url);
        const response = await visit(url, options, jar);
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

/**
 * The service under either of its names: its public origin, or where it really listens (a suite that
 * points PUBLIC_BASE_URL at the host, so Graph can reach the webhook, keeps the registered redirect URI
 * on the public origin). The jar is the service's either way.
 */
function isServiceUrl(url: URL, options: BrowserOptions): boolean {
    return url.origin === new URL(options.publicOrigin).origin || url.origin === new URL(options.serviceUrl).origin;
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
