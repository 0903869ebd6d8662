import { DAY, HOUR, MINUTE } from '../../../dev/m365/clock';
import {
    GRAPH_SCOPES,
    REDIRECT_URI,
    caught,
    postForm,
    secretClient,
    signInWithMsal,
    startFixture,
    type Fixture,
} from './simHarness';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Each failure surfaces through msal-node as Entra's would: same error class, errorCode, subError and errorNo. */
describe('Entra token endpoint errors', () => {
    let fx: Fixture;

    beforeEach(async () => {
        fx = await startFixture();
    });
    afterEach(async () => {
        await fx.sim.stop();
    });

    async function connected(login = fx.adele.userPrincipalName) {
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, login);
        const result = await client.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        return { client, account: result.account! };
    }

    it('answers a wrong client secret with 401 invalid_client AADSTS7000215, in Entra JSON', async () => {
        const response = await postForm(
            `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`,
            {
                grant_type: 'client_credentials',
                client_id: fx.app.appId,
                client_secret: fx.secret.keyId,
                scope: 'https://graph.microsoft.com/.default',
            },
            { 'client-request-id': '11111111-2222-3333-4444-555555555555' },
        );
        expect(response.status).toBe(401);
        const body = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual([
            'correlation_id',
            'error',
            'error_codes',
            'error_description',
            'error_uri',
            'timestamp',
            'trace_id',
        ]);
        expect(body).toMatchObject({
            error: 'invalid_client',
            error_codes: [7000215],
            correlation_id: '11111111-2222-3333-4444-555555555555',
        });
        expect(body.error_description).toMatch(
            new RegExp(
                `^AADSTS7000215: Invalid client secret provided\\. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${fx.app.appId}'\\. Trace ID: ${GUID} Correlation ID: 11111111-2222-3333-4444-555555555555 Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
            ),
        );
        expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
        expect(body.trace_id).toMatch(new RegExp(`^${GUID}$`));
        expect(body.error_uri).toBe(`${fx.sim.authorityHost}/error?code=7000215`);
        expect(response.headers.get('cache-control')).toContain('no-store');
    });

    it('surfaces a wrong secret through MSAL as ServerError invalid_client 7000215', async () => {
        const error = await caught(() =>
            secretClient(fx, 'not-the-secret').acquireTokenByClientCredential({
                scopes: ['https://graph.microsoft.com/.default'],
            }),
        );
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', errorNo: 7000215 });
    });

    it('rejects an expired client secret with AADSTS7000222', async () => {
        fx.sim.clock.advance(181 * DAY);
        const error = await caught(() =>
            secretClient(fx).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
        );
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', errorNo: 7000222 });
        expect(error.errorMessage).toContain(
            `AADSTS7000222: The provided client secret keys for app '${fx.app.appId}' are expired.`,
        );
    });

    it('rejects a deleted app registration with unauthorized_client AADSTS700016', async () => {
        fx.sim.entra.deleteApp(fx.tenant.id, fx.app.appId);
        const error = await caught(() =>
            secretClient(fx).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
        );
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'unauthorized_client', errorNo: 700016 });
        expect(error.errorMessage).toContain(
            `AADSTS700016: Application with identifier '${fx.app.appId}' was not found in the directory 'Fabrikam'.`,
        );
    });

    it('revokes refresh tokens after a password change: InteractionRequiredAuthError invalid_grant bad_token 50173', async () => {
        const { client, account } = await connected();
        fx.sim.clock.advance(MINUTE);
        fx.sim.entra.changePassword(fx.tenant.id, fx.adele.id);
        const error = await caught(() =>
            client.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh: true }),
        );
        expect(error).toMatchObject({
            name: 'InteractionRequiredAuthError',
            errorCode: 'invalid_grant',
            subError: 'bad_token',
            errorNo: 50173,
        });
        expect(error.errorMessage).toContain('AADSTS50173: The provided grant has expired due to it being revoked');
    });

    it('expires a refresh token unused for 90 days: invalid_grant bad_token 700082', async () => {
        const { client, account } = await connected();
        fx.sim.clock.advance(90 * DAY + HOUR);
        const error = await caught(() =>
            client.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh: true }),
        );
        expect(error).toMatchObject({
            name: 'InteractionRequiredAuthError',
            errorCode: 'invalid_grant',
            subError: 'bad_token',
            errorNo: 700082,
        });
        expect(error.errorMessage).toMatch(
            /AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on \S+ and was inactive for 90\.00:00:00\./,
        );
    });

    it('keeps a refresh-token chain alive while it is used, and the used token stays valid (rotation)', async () => {
        const longLived = fx.sim.entra.addClientSecret(fx.tenant.id, fx.app.appId, {
            endDateTime: fx.sim.clock.now() + 730 * DAY,
        });
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const tokenUrl = `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`;
        const credentials = { client_id: fx.app.appId, client_secret: longLived.secretText };
        const redeemed = await postForm(tokenUrl, {
            ...credentials,
            grant_type: 'authorization_code',
            code: signedIn.code,
            redirect_uri: REDIRECT_URI,
            code_verifier: signedIn.verifier,
        });
        let refreshToken = ((await redeemed.json()) as { refresh_token: string }).refresh_token;
        const first = refreshToken;
        for (let i = 0; i < 3; i++) {
            fx.sim.clock.advance(60 * DAY);
            const refreshed = await postForm(tokenUrl, {
                ...credentials,
                grant_type: 'refresh_token',
                refresh_token: refreshToken,
            });
            expect(refreshed.status).toBe(200);
            const next = ((await refreshed.json()) as { refresh_token: string }).refresh_token;
            expect(next).not.toBe(refreshToken);
            if (i === 0) {
                // The token just used is not revoked by rotation: Entra lets it run out on its own.
                const again = await postForm(tokenUrl, {
                    ...credentials,
                    grant_type: 'refresh_token',
                    refresh_token: refreshToken,
                });
                expect(again.status).toBe(200);
            }
            refreshToken = next;
        }
        const stale = await postForm(tokenUrl, { ...credentials, grant_type: 'refresh_token', refresh_token: first });
        expect(await stale.json()).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
    });

    it('answers a disabled user with invalid_grant AADSTS50057', async () => {
        const { client, account } = await connected();
        fx.sim.entra.updateUser(fx.tenant.id, fx.adele.id, { accountEnabled: false });
        const error = await caught(() =>
            client.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh: true }),
        );
        // Entra sends no suberror with 50057, so MSAL raises a ServerError rather than InteractionRequired.
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_grant', errorNo: 50057 });
        expect(error.errorMessage).toContain('AADSTS50057: The user account is disabled.');
    });

    it('requires consent again once admin consent is revoked: consent_required 65001', async () => {
        const { client, account } = await connected();
        fx.sim.entra.revokeAdminConsent(fx.tenant.id, fx.app.appId, ['Files.ReadWrite.All']);
        const error = await caught(() =>
            client.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh: true }),
        );
        expect(error).toMatchObject({
            name: 'InteractionRequiredAuthError',
            errorCode: 'invalid_grant',
            subError: 'consent_required',
            errorNo: 65001,
        });
    });

    it('redeems a code once: a replay gets invalid_grant AADSTS54005', async () => {
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const request = {
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        };
        await client.acquireTokenByCode(request);
        const error = await caught(() => secretClient(fx).acquireTokenByCode(request));
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_grant', errorNo: 54005 });
    });

    it('expires a code after 10 minutes: AADSTS70008', async () => {
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        fx.sim.clock.advance(10 * MINUTE);
        const error = await caught(() =>
            client.acquireTokenByCode({
                code: signedIn.code,
                scopes: GRAPH_SCOPES,
                redirectUri: REDIRECT_URI,
                codeVerifier: signedIn.verifier,
            }),
        );
        expect(error).toMatchObject({ errorCode: 'invalid_grant', errorNo: 70008 });
    });

    it('checks the PKCE verifier: a wrong one is AADSTS501481, a missing one AADSTS50148', async () => {
        const client = secretClient(fx);
        const first = await signInWithMsal(client, fx.adele.userPrincipalName);
        const wrong = await caught(() =>
            client.acquireTokenByCode({
                code: first.code,
                scopes: GRAPH_SCOPES,
                redirectUri: REDIRECT_URI,
                codeVerifier: 'x'.repeat(43),
            }),
        );
        expect(wrong).toMatchObject({ name: 'ServerError', errorCode: 'invalid_grant', errorNo: 501481 });

        const second = await signInWithMsal(client, fx.adele.userPrincipalName);
        const missing = await caught(() =>
            client.acquireTokenByCode({ code: second.code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI }),
        );
        expect(missing).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50148 });
    });

    it('requires the same redirect_uri as the authorization request (AADSTS500112)', async () => {
        fx.sim.entra.updateApp(fx.tenant.id, fx.app.appId, {
            redirectUris: [REDIRECT_URI, 'https://localhost:7071/other'],
        });
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const error = await caught(() =>
            client.acquireTokenByCode({
                code: signedIn.code,
                scopes: GRAPH_SCOPES,
                redirectUri: 'https://localhost:7071/other',
                codeVerifier: signedIn.verifier,
            }),
        );
        expect(error).toMatchObject({ errorCode: 'invalid_grant', errorNo: 500112 });
    });

    it('answers an unknown tenant at the token endpoint with AADSTS90002', async () => {
        const response = await postForm(`${fx.sim.authorityHost}/nosuchtenant.onmicrosoft.com/oauth2/v2.0/token`, {
            grant_type: 'client_credentials',
            client_id: fx.app.appId,
            client_secret: fx.secret.secretText,
            scope: 'https://graph.microsoft.com/.default',
        });
        expect(response.status).toBe(400);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
        expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nosuchtenant\.onmicrosoft\.com' not found\./);
    });

    it('sends suberror bad_token in the raw JSON of a revoked grant', async () => {
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const tokenUrl = `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`;
        const redeemed = await postForm(tokenUrl, {
            grant_type: 'authorization_code',
            client_id: fx.app.appId,
            client_secret: fx.secret.secretText,
            code: signedIn.code,
            redirect_uri: REDIRECT_URI,
            code_verifier: signedIn.verifier,
        });
        const tokens = (await redeemed.json()) as { refresh_token: string };
        fx.sim.clock.advance(1000);
        fx.sim.entra.revokeSignInSessions(fx.tenant.id, fx.adele.id);
        const refreshed = await postForm(tokenUrl, {
            grant_type: 'refresh_token',
            client_id: fx.app.appId,
            client_secret: fx.secret.secretText,
            refresh_token: tokens.refresh_token,
        });
        expect(refreshed.status).toBe(400);
        expect(await refreshed.json()).toMatchObject({
            error: 'invalid_grant',
            error_codes: [50173],
            suberror: 'bad_token',
        });
    });
});
