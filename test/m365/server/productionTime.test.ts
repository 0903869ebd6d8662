import { Client } from '@microsoft/microsoft-graph-client';
import { startDemoSimulator, type DemoSimulator } from '../../../dev/m365/demoSimulator';
import { msalClient, signInWithMsal } from '../entra/simHarness';

/**
 * The simulator's clock runs in real time by default (issue 15): a Retry-After window ends while a
 * client waits for it, as on Microsoft's service. Checked with Microsoft's own Graph client, whose
 * default middleware chain retries a 429 after the Retry-After it was told.
 */
const GRAPH = 'https://graph.microsoft.com';
let sim: DemoSimulator;
let token: string;

beforeAll(async () => {
    sim = await startDemoSimulator();
    const { demo } = sim;
    const msal = msalClient(sim.simulator, demo.tenantId, demo.clientId, {
        clientId: demo.clientId,
        clientSecret: demo.clientSecret,
    });
    const scopes = [`${GRAPH}/Files.ReadWrite.All`, `${GRAPH}/User.Read`];
    const redirectUri = demo.redirectUris[0]!;
    const signedIn = await signInWithMsal(msal, demo.users.adele.userPrincipalName, { scopes, redirectUri });
    const result = await msal.acquireTokenByCode({
        code: signedIn.code,
        scopes,
        redirectUri,
        codeVerifier: signedIn.verifier,
    });
    token = result.accessToken;
});
afterAll(() => sim.stop());

/** Microsoft's client with its default middleware (RetryHandler included), pointed at the simulator. */
function microsoftGraphClient(): Client {
    return Client.init({
        authProvider: (done) => done(null, token),
        baseUrl: sim.simulator.baseUrl,
        defaultVersion: 'v1.0',
        customHosts: new Set([new URL(sim.simulator.baseUrl).hostname]),
    });
}

it("lets Microsoft's RetryHandler succeed once the Retry-After it was told has passed", async () => {
    sim.graph.resetCounters();
    sim.graph.addFault({ kind: 'throttle', path: '/me/drive', count: 1, retryAfterSeconds: 2 });
    const drive = (await microsoftGraphClient().api('/me/drive').get()) as { id: string; driveType: string };
    expect(drive).toMatchObject({ id: expect.any(String), driveType: 'business' });
    // Throttled once; the retry after the 2 s came after the window, not inside an escalated one.
    expect(sim.graph.counters()).toMatchObject({ throttled: 1, rethrottleViolations: 0 });
}, 30_000);

it('ends a Retry-After window in real time, with nobody moving the clock', async () => {
    sim.graph.resetCounters();
    sim.graph.addFault({ kind: 'throttle', path: '/me/drive', count: 1, retryAfterSeconds: 1 });
    const get = () =>
        fetch(`${sim.simulator.graphBaseUrl}/me/drive`, { headers: { authorization: `Bearer ${token}` } });
    const throttled = await get();
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '1']);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await get()).status).toBe(200);
    expect(sim.graph.counters().rethrottleViolations).toBe(0);
});
