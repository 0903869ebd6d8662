/**
 * The simulator's sign-in page driven as a person would in a browser (what the Entra tests do): open the
 * authorize URL, pick the account, post the form; Entra answers with a redirect to the app's redirect URI
 * carrying the code.
 */
export async function signInAt(authorizeUrl: string, login: string): Promise<URL> {
    const page = await fetch(authorizeUrl);
    const html = await page.text();
    if (page.status !== 200) throw new Error(`The sign-in page answered ${page.status}: ${html.slice(0, 400)}`);
    const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
    if (action === undefined) throw new Error('No form on the sign-in page.');
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="(hidden|radio)" name="([^"]*)" value="([^"]*)"([^>]*)>/g)) {
        if (m[1] === 'radio' && !m[4]!.includes('checked')) continue;
        fields[unescapeHtml(m[2]!)] = unescapeHtml(m[3]!);
    }
    fields.login = login;
    fields.action = 'accept';
    const posted = await fetch(new URL(unescapeHtml(action), authorizeUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
    });
    const location = posted.headers.get('location');
    if (posted.status !== 302 || !location)
        throw new Error(`Signing in answered ${posted.status}: ${(await posted.text()).slice(0, 400)}`);
    return new URL(location);
}

export interface TokenSet {
    access_token: string;
    refresh_token: string;
    expires_in: number;
}

/** The authorization-code flow for a confidential (web) client: sign in, then redeem the code with the secret. */
export async function delegatedTokens(options: {
    authorityHost: string;
    tenant: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    scope: string;
    login: string;
}): Promise<TokenSet> {
    const q = new URLSearchParams({
        client_id: options.clientId,
        response_type: 'code',
        redirect_uri: options.redirectUri,
        scope: options.scope,
    });
    const back = await signInAt(`${options.authorityHost}/${options.tenant}/oauth2/v2.0/authorize?${q}`, options.login);
    const code = back.searchParams.get('code');
    if (!code) throw new Error(`No code in the redirect: ${back.searchParams.get('error_description')}`);
    const answer = await fetch(`${options.authorityHost}/${options.tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
            client_id: options.clientId,
            client_secret: options.clientSecret,
            grant_type: 'authorization_code',
            code,
            redirect_uri: options.redirectUri,
            scope: options.scope,
        }).toString(),
    });
    if (answer.status !== 200) throw new Error(`Redeeming the code answered ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as TokenSet;
}

function unescapeHtml(s: string): string {
    return s
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
