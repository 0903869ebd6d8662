import { startDemoSimulator, type DemoSimulator } from '../../../dev/m365/demoSimulator';
import { SMALL_TENANT_BUDGET } from '../../../dev/m365/graph/budget/budget';
import { msalClient, signInWithMsal } from '../entra/simHarness';

/**
 * SharePoint's resource-unit budget per app per tenant ("Avoid getting throttled or blocked in
 * SharePoint Online"; m365-quirks entry 10), as the simulator applies it to every Graph request.
 */
let sim: DemoSimulator;
const tokens: Record<string, string> = {};

async function delegatedToken(login: string): Promise<string> {
    const { demo } = sim;
    const msal = msalClient(sim.simulator, demo.tenantId, demo.clientId, {
        clientId: demo.clientId,
        clientSecret: demo.clientSecret,
    });
    const redirectUri = demo.redirectUris[0]!;
    const scopes = ['Files.ReadWrite.All', 'User.Read'];
    const signedIn = await signInWithMsal(msal, login, { scopes, redirectUri });
    return (
        await msal.acquireTokenByCode({ code: signedIn.code, scopes, redirectUri, codeVerifier: signedIn.verifier })
    ).accessToken;
}

beforeAll(async () => {
    sim = await startDemoSimulator();
    tokens.adele = await delegatedToken(sim.demo.users.adele.userPrincipalName);
    tokens.megan = await delegatedToken(sim.demo.users.megan.userPrincipalName);
    // Another app registration in the same tenant: its own budget.
    const other = sim.simulator.entra.registerApp(sim.demo.tenantId, {
        displayName: 'Other app',
        grantedRoles: ['Sites.Selected'],
    });
    const secret = sim.simulator.entra.addClientSecret(sim.demo.tenantId, other.appId, { displayName: 't' });
    const app = msalClient(sim.simulator, sim.demo.tenantId, other.appId, {
        clientId: other.appId,
        clientSecret: secret.secretText,
    });
    tokens.otherApp = (await app.acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
    }))!.accessToken;
});
afterAll(() => sim.stop());
afterEach(() => {
    sim.simulator.budget.configure(SMALL_TENANT_BUDGET);
    sim.simulator.budget.resetUsage();
});

const get = (path: string, who: keyof typeof tokens = 'adele') =>
    fetch(`${sim.simulator.graphBaseUrl}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });

function rateLimit(r: Response): Record<string, string | null> {
    return {
        limit: r.headers.get('ratelimit-limit'),
        remaining: r.headers.get('ratelimit-remaining'),
        reset: r.headers.get('ratelimit-reset'),
    };
}

const usage = () => sim.simulator.budget.usage().find((u) => u.appId === sim.demo.clientId)!;

it('is on by default with a small tenant’s limits: 1,250 resource units a minute, 1,200,000 a day', () => {
    expect(sim.simulator.budget.options).toEqual({
        enabled: true,
        perMinute: 1_250,
        perDay: 1_200_000,
        headersFrom: 0.8,
    });
});

it('sends RateLimit headers from 80 % of the minute, then 429 with Retry-After = RateLimit-Reset for every caller of the app', async () => {
    const control = await fetch(`${sim.simulator.controlUrl}/budget`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ perMinute: 20 }),
    });
    expect(control.status).toBe(200);
    for (let i = 1; i <= 15; i++) {
        const r = await get('/me/drive'); // a single item: 1 resource unit
        expect([r.status, r.headers.get('ratelimit-limit')]).toEqual([200, null]);
    }
    const warned = await get('/me/drive'); // 16 of 20: 80 %
    expect(warned.status).toBe(200);
    expect(rateLimit(warned)).toEqual({ limit: '20', remaining: '4', reset: expect.stringMatching(/^\d+$/) });
    expect(Number(warned.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    for (let i = 17; i <= 20; i++) expect((await get('/me/drive')).status).toBe(200);

    const throttled = await get('/me/drive');
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({
        error: { code: 'activityLimitReached', innerError: { code: 'throttledRequest' } },
    });
    expect(rateLimit(throttled)).toMatchObject({ limit: '20', remaining: '0' });
    expect(throttled.headers.get('retry-after')).toBe(throttled.headers.get('ratelimit-reset'));
    // Another user of the same app in the tenant: the same budget.
    expect((await get('/me/drive', 'megan')).status).toBe(429);
    // Another app in the tenant has its own (it is refused /me for other reasons, but not throttled).
    expect((await get('/me/drive', 'otherApp')).status).not.toBe(429);

    sim.simulator.clock.advance(60_000);
    expect((await get('/me/drive')).status).toBe(200);
    // The two throttled requests counted (2 over the limit), carried into the new minute.
    expect(usage().minute.used).toBe(2 + 1);
    expect(usage().throttled).toBe(2);
});

it('charges delta 1 with a token and 2 without, collections and writes 2, an item 1', async () => {
    const drive = (await (await get('/me/drive')).json()) as { id: string };
    const first = (await (await get(`/drives/${drive.id}/root/delta`)).json()) as Record<string, string>;
    let next = first['@odata.nextLink'] ?? first['@odata.deltaLink']!;
    const afterFirst = usage().charged;
    expect(afterFirst).toBe(1 + 2);
    const page = await fetch(next, { headers: { authorization: `Bearer ${tokens.adele}` } });
    expect(page.status).toBe(200);
    next = new URL(next).search;
    expect(next).toContain('token=');
    expect(usage().charged).toBe(afterFirst + 1);
    expect((await get(`/drives/${drive.id}/root/children`)).status).toBe(200);
    expect(usage().charged).toBe(afterFirst + 1 + 2);
    const created = await fetch(`${sim.simulator.graphBaseUrl}/drives/${drive.id}/root/children`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.adele}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'budget-folder', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' }),
    });
    expect(created.status).toBe(201);
    expect(usage().charged).toBe(afterFirst + 1 + 2 + 2);
});

it('throttles past the daily limit without RateLimit headers (they only present the minute)', async () => {
    sim.simulator.budget.configure({ perDay: 5, perMinute: 1_000 });
    for (let i = 0; i < 5; i++) expect((await get('/me/drive')).status).toBe(200);
    const throttled = await get('/me/drive');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(throttled.headers.get('ratelimit-limit')).toBeNull();
});

it('can be switched off for tests that hammer Graph on purpose', async () => {
    sim.simulator.budget.configure({ enabled: false, perMinute: 1 });
    for (let i = 0; i < 5; i++) expect((await get('/me/drive')).status).toBe(200);
});
