import { HOUR, MINUTE } from '../../../dev/m365/clock';
import {
    GRAPH_SCOPES,
    REDIRECT_URI,
    jwtClaims,
    msalClient,
    secretClient,
    signInWithMsal,
    startFixture,
    type Fixture,
} from './simHarness';

/**
 * The delegated flow end to end with msal-node, unmodified: authorization URL with PKCE, the sign-in
 * page, code redemption, silent renewal through the refresh token.
 */
describe('Entra authorization-code flow with msal-node', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture();
    });
    afterAll(async () => {
        jest.useRealTimers();
        await fx.sim.stop();
    });

    it('signs a user in and issues Graph tokens that the simulator accepts', async () => {
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName, { nonce: 'nonce-1' });
        expect(signedIn.state).toBe('state-123');

        const result = await client.acquireTokenByCode(
            {
                code: signedIn.code,
                scopes: GRAPH_SCOPES,
                redirectUri: REDIRECT_URI,
                codeVerifier: signedIn.verifier,
                state: 'state-123',
                nonce: 'nonce-1',
            },
            { code: signedIn.code, state: signedIn.state! },
        );

        expect(result.account?.homeAccountId).toBe(`${fx.adele.id}.${fx.tenant.id}`);
        expect(result.account?.username).toBe(fx.adele.userPrincipalName);
        expect(result.tenantId).toBe(fx.tenant.id);
        expect(result.idTokenClaims).toMatchObject({
            aud: fx.app.appId,
            tid: fx.tenant.id,
            oid: fx.adele.id,
            nonce: 'nonce-1',
            name: 'Adele Vance',
        });
        expect(result.scopes).toEqual(expect.arrayContaining(GRAPH_SCOPES));
        expect(jwtClaims(result.accessToken)).toMatchObject({
            aud: 'https://graph.microsoft.com',
            iss: `${fx.sim.authorityHost}/${fx.tenant.id}/v2.0`,
            tid: fx.tenant.id,
            oid: fx.adele.id,
            appid: fx.app.appId,
            azp: fx.app.appId,
        });

        const auth = fx.sim.authenticate(`Bearer ${result.accessToken}`);
        expect(auth).toEqual({
            ok: true,
            principal: expect.objectContaining({
                kind: 'delegated',
                tenantId: fx.tenant.id,
                userId: fx.adele.id,
                appId: fx.app.appId,
                roles: [],
            }),
        });
        if (auth.ok) expect(auth.principal.scopes).toEqual(expect.arrayContaining(GRAPH_SCOPES));
    });

    it('only talks to the simulator: discovery then token, no instance discovery', async () => {
        fx.sim.requests.clear();
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.megan.userPrincipalName);
        await client.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });

        const paths = fx.sim.requests.entries.map((r) => `${r.method} ${r.path}`);
        expect(paths).toEqual([
            `GET /${fx.tenant.id}/v2.0/.well-known/openid-configuration`,
            `GET /${fx.tenant.id}/oauth2/v2.0/authorize`,
            `POST /${fx.tenant.id}/oauth2/v2.0/authorize`,
            `POST /${fx.tenant.id}/oauth2/v2.0/token`,
        ]);
    });

    it('accepts the tenant by verified domain as well as by id', async () => {
        const byDomain = msalClient(fx.sim, 'fabrikam.onmicrosoft.com', fx.app.appId, {
            clientId: fx.app.appId,
            clientSecret: fx.secret.secretText,
        });
        const signedIn = await signInWithMsal(byDomain, fx.adele.userPrincipalName);
        const result = await byDomain.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        expect(result.tenantId).toBe(fx.tenant.id);
    });

    it('echoes fully-qualified Graph scopes as asked, so msal-node serves the next token from its cache', async () => {
        // Entra answers the scope in the client's own form (entra-docs v2-oauth2-auth-code-flow.md, "Successful
        // response"); msal-node caches under the answered scopes and matches them as strings.
        const scopes = GRAPH_SCOPES.map((s) => `https://graph.microsoft.com/${s}`);
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.megan.userPrincipalName, { scopes });
        const first = await client.acquireTokenByCode({
            code: signedIn.code,
            scopes,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        expect(first.scopes).toEqual(expect.arrayContaining(scopes));
        // The scp claim keeps the bare names, as Entra's access tokens do.
        expect(String(jwtClaims(first.accessToken).scp).split(' ')).toEqual(expect.arrayContaining(GRAPH_SCOPES));

        fx.sim.requests.clear();
        const again = await client.acquireTokenSilent({ account: first.account!, scopes });
        expect(again.accessToken).toBe(first.accessToken);
        expect(fx.sim.requests.count('POST', `/${fx.tenant.id}/oauth2/v2.0/token`)).toBe(0);
    });

    it('renews silently with the refresh token once the access token expires on both clocks', async () => {
        jest.useFakeTimers({
            doNotFake: [
                'nextTick',
                'setImmediate',
                'clearImmediate',
                'setTimeout',
                'clearTimeout',
                'setInterval',
                'clearInterval',
                'queueMicrotask',
                'hrtime',
                'performance',
            ],
            now: fx.sim.clock.now(),
        });
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const first = await client.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        const lifetime = first.expiresOn!.getTime() - Date.now();
        expect(lifetime).toBeGreaterThanOrEqual(60 * MINUTE - 1000);
        expect(lifetime).toBeLessThanOrEqual(90 * MINUTE);

        const cached = await client.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES });
        expect(cached.accessToken).toBe(first.accessToken);

        fx.sim.requests.clear();
        advanceBothClocks(fx, 2 * HOUR);
        expect(fx.sim.authenticate(`Bearer ${first.accessToken}`)).toEqual({
            ok: false,
            message: 'Lifetime validation failed, the token is expired.',
        });

        const renewed = await client.acquireTokenSilent({ account: first.account!, scopes: GRAPH_SCOPES });
        expect(renewed.accessToken).not.toBe(first.accessToken);
        expect(fx.sim.requests.count('POST', `/${fx.tenant.id}/oauth2/v2.0/token`)).toBe(1);
        expect(fx.sim.authenticate(`Bearer ${renewed.accessToken}`).ok).toBe(true);
        jest.useRealTimers();
    });
});

function advanceBothClocks(fx: Fixture, ms: number): void {
    fx.sim.clock.advance(ms);
    jest.setSystemTime(fx.sim.clock.now());
}
