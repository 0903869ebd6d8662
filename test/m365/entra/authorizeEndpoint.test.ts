import { CryptoProvider } from '@azure/msal-node';
import {
    GRAPH_SCOPES,
    REDIRECT_URI,
    parseForm,
    postForm,
    secretClient,
    signInWithMsal,
    startFixture,
    submitSignIn,
    type Fixture,
} from './simHarness';

/** The authorize endpoint as a browser meets it: error pages, error redirects, the sign-in form. */
describe('Entra authorize endpoint', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture();
    });
    afterAll(async () => {
        await fx.sim.stop();
    });

    function authorizeUrl(params: Record<string, string>, tenant = fx.tenant.id): string {
        const defaults = {
            client_id: fx.app.appId,
            response_type: 'code',
            redirect_uri: REDIRECT_URI,
            scope: 'openid offline_access Files.ReadWrite.All',
            state: 's1',
        };
        const merged = Object.fromEntries(Object.entries({ ...defaults, ...params }).filter(([, v]) => v !== ''));
        return `${fx.sim.authorityHost}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(merged).toString()}`;
    }

    async function errorPage(url: string): Promise<{ status: number; code: string | undefined; text: string }> {
        const response = await fetch(url, { redirect: 'manual' });
        const html = await response.text();
        return { status: response.status, code: /data-error-code="(\d+)"/.exec(html)?.[1], text: html };
    }

    it('shows AADSTS700016 for an unknown client id', async () => {
        const page = await errorPage(authorizeUrl({ client_id: '00000000-0000-0000-0000-000000000001' }));
        expect(page).toMatchObject({ status: 400, code: '700016' });
        expect(page.text).toContain(
            'AADSTS700016: Application with identifier &#39;00000000-0000-0000-0000-000000000001&#39; was not found in the directory &#39;Fabrikam&#39;.',
        );
    });

    it('shows AADSTS50011 on its own page, not a redirect, when the redirect URI is not registered exactly', async () => {
        for (const wrong of [
            `${REDIRECT_URI}/`,
            REDIRECT_URI.replace('sharepoint', 'SharePoint'),
            REDIRECT_URI.replace('https', 'http'),
        ]) {
            const page = await errorPage(authorizeUrl({ redirect_uri: wrong }));
            expect(page).toMatchObject({ status: 400, code: '50011' });
            expect(page.text).toContain(
                `AADSTS50011: The redirect URI &#39;${wrong}&#39; specified in the request does not match the redirect URIs configured for the application &#39;${fx.app.appId}&#39;.`,
            );
        }
    });

    it('shows AADSTS900144 when scope is missing', async () => {
        const page = await errorPage(authorizeUrl({ scope: '' }));
        expect(page).toMatchObject({ status: 400, code: '900144' });
        expect(page.text).toContain(
            'AADSTS900144: The request body must contain the following parameter: &#39;scope&#39;.',
        );
    });

    it('shows AADSTS90002 for an unknown tenant', async () => {
        const page = await errorPage(authorizeUrl({}, 'nosuch.onmicrosoft.com'));
        expect(page).toMatchObject({ status: 400, code: '90002' });
    });

    it("lists the tenant's enabled users and the requested permissions", async () => {
        fx.sim.entra.updateUser(fx.tenant.id, fx.megan.id, { accountEnabled: false });
        try {
            const html = await (await fetch(authorizeUrl({}))).text();
            expect(html).toContain(fx.adele.userPrincipalName);
            expect(html).not.toContain(fx.megan.userPrincipalName);
            expect(html).toContain('<li>Files.ReadWrite.All</li>');
            const form = parseForm(html);
            expect(form.fields).toMatchObject({
                client_id: fx.app.appId,
                redirect_uri: REDIRECT_URI,
                state: 's1',
                login: fx.adele.userPrincipalName,
            });
        } finally {
            fx.sim.entra.updateUser(fx.tenant.id, fx.megan.id, { accountEnabled: true });
        }
    });

    it('refuses a disabled user who signs in anyway with AADSTS50057', async () => {
        fx.sim.entra.updateUser(fx.tenant.id, fx.megan.id, { accountEnabled: false });
        try {
            const form = parseForm(await (await fetch(authorizeUrl({}))).text());
            const response = await postForm(new URL(form.action, fx.sim.baseUrl).toString(), {
                ...form.fields,
                login: fx.megan.userPrincipalName,
                action: 'accept',
            });
            expect(response.status).toBe(400);
            expect(await response.text()).toContain('AADSTS50057: The user account is disabled.');
        } finally {
            fx.sim.entra.updateUser(fx.tenant.id, fx.megan.id, { accountEnabled: true });
        }
    });

    it('redirects with error=access_denied when the user cancels', async () => {
        const location = await submitSignIn(authorizeUrl({ state: 'cancel-state' }), { action: 'cancel' });
        expect(location.origin + location.pathname).toBe(REDIRECT_URI);
        expect(location.searchParams.get('error')).toBe('access_denied');
        expect(location.searchParams.get('error_subcode')).toBe('cancel');
        expect(location.searchParams.get('error_description')).toMatch(
            /^AADSTS65004: User declined to consent to access the app\./,
        );
        expect(location.searchParams.get('state')).toBe('cancel-state');
        expect(location.searchParams.get('code')).toBeNull();
    });

    it('shows "Need admin approval" (AADSTS90094) for permissions nobody consented, and redirects only if the user backs out', async () => {
        const page = await fetch(authorizeUrl({ scope: 'openid Mail.Read', state: 'c1' }));
        const form = parseForm(await page.text());
        const answered = await postForm(new URL(form.action, fx.sim.baseUrl).toString(), {
            ...form.fields,
            login: fx.adele.userPrincipalName,
            action: 'accept',
        });
        // Entra's own page: nothing goes back to the app while the user reads it.
        expect(answered.status).toBe(200);
        expect(answered.headers.get('location')).toBeNull();
        const html = await answered.text();
        expect(html).toContain('Need admin approval');
        expect(html).toContain(
            'needs permission to access resources in your organization that only an admin can grant',
        );
        expect(/data-error-code="(\d+)"/.exec(html)?.[1]).toBe('90094');
        expect(html).toContain('AADSTS90094: The grant requires admin permission.');

        const back = parseForm(html);
        const returned = await postForm(new URL(back.action, fx.sim.baseUrl).toString(), {
            ...back.fields,
            action: 'return_without_consent',
        });
        expect(returned.status).toBe(302);
        const location = new URL(returned.headers.get('location')!);
        expect(location.origin + location.pathname).toBe(REDIRECT_URI);
        expect(location.searchParams.get('error')).toBe('access_denied');
        expect(location.searchParams.get('error_subcode')).toBe('cancel');
        expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65004: /);
        expect(location.searchParams.get('state')).toBe('c1');
        expect(location.searchParams.get('code')).toBeNull();
    });

    it('redirects with unsupported_response_type once the redirect URI is trusted', async () => {
        const location = new URL(
            (await fetch(authorizeUrl({ response_type: 'token' }), { redirect: 'manual' })).headers.get('location')!,
        );
        expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    });

    it('returns the code by form_post when asked', async () => {
        const html = await (await fetch(authorizeUrl({ response_mode: 'form_post' }))).text();
        const form = parseForm(html);
        const response = await postForm(new URL(form.action, fx.sim.baseUrl).toString(), {
            ...form.fields,
            action: 'accept',
        });
        expect(response.status).toBe(200);
        const posted = parseForm(await response.text());
        expect(posted.action).toBe(REDIRECT_URI);
        expect(posted.fields.code).toBeTruthy();
        expect(posted.fields.state).toBe('s1');
    });

    it('stores the S256 challenge with the code: the right verifier redeems it', async () => {
        const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
        const location = await submitSignIn(
            authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
            { login: fx.adele.userPrincipalName },
        );
        const code = location.searchParams.get('code')!;
        const response = await postForm(`${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`, {
            grant_type: 'authorization_code',
            client_id: fx.app.appId,
            client_secret: fx.secret.secretText,
            code,
            redirect_uri: REDIRECT_URI,
            code_verifier: verifier,
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
            token_type: 'Bearer',
            refresh_token: expect.any(String),
            id_token: expect.any(String),
            client_info: expect.any(String),
        });
    });

    it('refuses /common for a single-tenant app (AADSTS50194)', async () => {
        const page = await errorPage(authorizeUrl({}, 'common'));
        expect(page).toMatchObject({ status: 400, code: '50194' });
    });
});

describe('Entra authorize endpoint in a tenant that lets users consent', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture({ userConsentAllowed: true });
    });
    afterAll(async () => {
        await fx.sim.stop();
    });

    it("records the user's own consent and includes it in later tokens", async () => {
        const client = secretClient(fx);
        const scopes = [...GRAPH_SCOPES, 'Mail.Read'];
        const signedIn = await signInWithMsal(client, fx.megan.userPrincipalName, { scopes });
        const result = await client.acquireTokenByCode({
            code: signedIn.code,
            scopes,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        expect(result.scopes).toContain('Mail.Read');
        expect(fx.sim.entra.getApp(fx.tenant.id, fx.app.appId).userConsents.get(fx.megan.id)).toEqual(['Mail.Read']);
    });
});
