import { jwtClaims, postForm, startFixture, submitSignIn, type Fixture } from './simHarness';

/**
 * A multitenant public client as the OneDrive Client for Linux is one: its own application id, signing
 * in at /common with the "Mobile and desktop" redirect URI and redeeming the code with no secret. An
 * admin of the user's tenant consented to it, which put the app (its service principal) in that tenant.
 */
const ONEDRIVE_CLIENT_ID = 'd50ca740-c83f-4d1b-b616-12c519384f0c';
const NATIVE_CLIENT = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const SCOPES = 'Files.ReadWrite Files.ReadWrite.All Sites.ReadWrite.All offline_access';

describe('a multitenant public client at /common', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture();
        fx.sim.entra.registerApp(fx.tenant.id, {
            displayName: 'OneDrive Client for Linux',
            appId: ONEDRIVE_CLIENT_ID,
            signInAudience: 'AzureADMultipleOrgs',
            publicClientRedirectUris: [NATIVE_CLIENT],
            consentedScopes: ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All', 'offline_access'],
        });
    });
    afterAll(async () => {
        await fx.sim.stop();
    });

    function authorizeUrl(clientId = ONEDRIVE_CLIENT_ID): string {
        const q = new URLSearchParams({
            client_id: clientId,
            scope: SCOPES,
            response_type: 'code',
            redirect_uri: NATIVE_CLIENT,
        });
        return `${fx.sim.authorityHost}/common/oauth2/v2.0/authorize?${q.toString()}`;
    }

    function token(fields: Record<string, string>): Promise<Response> {
        return postForm(`${fx.sim.authorityHost}/common/oauth2/v2.0/token`, fields);
    }

    it('signs the user in to their own tenant and redeems the code and the refresh token without a secret', async () => {
        const location = await submitSignIn(authorizeUrl(), { login: fx.adele.userPrincipalName });
        expect(`${location.origin}${location.pathname}`).toBe(NATIVE_CLIENT);
        const code = location.searchParams.get('code')!;
        expect(code).toBeTruthy();

        const redeemed = await token({
            client_id: ONEDRIVE_CLIENT_ID,
            grant_type: 'authorization_code',
            code,
            redirect_uri: NATIVE_CLIENT,
            scope: SCOPES,
        });
        expect(redeemed.status).toBe(200);
        const tokens = (await redeemed.json()) as { access_token: string; refresh_token: string };
        const claims = jwtClaims(tokens.access_token);
        expect(claims).toMatchObject({ tid: fx.tenant.id, oid: fx.adele.id, appid: ONEDRIVE_CLIENT_ID });
        expect(claims.appidacr).toBe('0');

        const refreshed = await token({
            client_id: ONEDRIVE_CLIENT_ID,
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            redirect_uri: NATIVE_CLIENT,
            scope: SCOPES,
        });
        expect(refreshed.status).toBe(200);
        expect(jwtClaims(((await refreshed.json()) as { access_token: string }).access_token).tid).toBe(fx.tenant.id);
    });

    it('still asks a confidential (web) client for its credential: AADSTS7000218', async () => {
        const location = await submitSignIn(
            `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/authorize?${new URLSearchParams({
                client_id: fx.app.appId,
                scope: 'Files.ReadWrite.All offline_access',
                response_type: 'code',
                redirect_uri: fx.app.redirectUris[0]!,
            }).toString()}`,
            { login: fx.adele.userPrincipalName },
        );
        const answer = await postForm(`${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`, {
            client_id: fx.app.appId,
            grant_type: 'authorization_code',
            code: location.searchParams.get('code')!,
            redirect_uri: fx.app.redirectUris[0]!,
        });
        expect(answer.status).toBe(401);
        expect(((await answer.json()) as { error_codes: number[] }).error_codes).toEqual([7000218]);
    });

    it('still refuses /common to a single-tenant app: AADSTS50194', async () => {
        const page = await fetch(authorizeUrl(fx.app.appId));
        expect(page.status).toBe(400);
        expect(await page.text()).toContain('AADSTS50194');
    });
});
