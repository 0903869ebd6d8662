import { createGraphService } from '../../../dev/m365/graph';
import { DEMO_REDIRECT_URIS, DEMO_SCOPES, seedDemoTenant } from '../../../dev/m365/demoTenant';
import { startM365Simulator, type M365Simulator } from '../../../dev/m365/server';
import { msalClient, signInWithMsal } from '../entra/simHarness';

/** The demo tenant `npm run sim` seeds, with the real Graph half mounted: a token from MSAL reaches Graph. */
describe('demo tenant with the Graph half', () => {
    let sim: M365Simulator;

    beforeAll(async () => {
        sim = await startM365Simulator({ graph: (deps) => createGraphService(deps) });
    });
    afterAll(async () => {
        await sim.stop();
    });

    it('is set up as the admin guide describes, and a signed-in user can call /v1.0/me', async () => {
        const demo = seedDemoTenant(sim.entra);
        expect(demo.domain).toBe('contoso.onmicrosoft.com');
        expect(demo.redirectUris).toEqual(DEMO_REDIRECT_URIS);
        expect(sim.entra.getApp(demo.tenantId, demo.clientId).consentedScopes).toEqual(DEMO_SCOPES);
        expect(demo.clientSecret).toMatch(/^.{3}8Q~.{34}$/);

        const client = msalClient(sim, demo.tenantId, demo.clientId, {
            clientId: demo.clientId,
            clientSecret: demo.clientSecret,
        });
        const scopes = ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read'];
        const redirectUri = DEMO_REDIRECT_URIS[1]!;
        const { code, verifier } = await signInWithMsal(client, demo.users.megan.userPrincipalName, {
            scopes,
            redirectUri,
        });
        const result = await client.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier });

        const me = await fetch(`${sim.graphBaseUrl}/me`, {
            headers: { Authorization: `Bearer ${result.accessToken}` },
        });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({
            id: demo.users.megan.id,
            userPrincipalName: demo.users.megan.userPrincipalName,
        });
        expect((await fetch(`${sim.graphBaseUrl}/me`)).status).toBe(401);
    });
});
