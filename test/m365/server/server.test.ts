import { request as httpRequest } from 'node:http';
import type { GraphDeps, GraphService } from '../../../dev/m365/contract';
import { DAY } from '../../../dev/m365/clock';
import { startM365Simulator, type M365Simulator } from '../../../dev/m365/server';

// Control-API bodies are loosely shaped JSON; the assertions check them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The simulator's server: HTTPS, routing, the control API, the clock and the request log. */
describe('M365 simulator server', () => {
    let sim: M365Simulator;
    let graphDeps: GraphDeps | undefined;
    const graphCalls: string[] = [];

    beforeAll(async () => {
        // A stand-in for the Graph half that records what it is given: this suite tests the seam, not Graph.
        const graph = (deps: GraphDeps): GraphService => {
            graphDeps = deps;
            return {
                handle: async (req, res, url) => {
                    if (!url.pathname.startsWith('/v1.0/') && url.pathname !== '/upload/session-1') return false;
                    graphCalls.push(`handle ${req.method} ${url.pathname}`);
                    // Upload URLs are pre-authenticated; /v1.0 needs a bearer token.
                    const auth = url.pathname.startsWith('/upload/')
                        ? ({ ok: true } as const)
                        : deps.authenticate(req.headers.authorization);
                    res.writeHead(auth.ok ? 200 : 401, { 'Content-Type': 'application/json' });
                    res.end(
                        JSON.stringify(
                            auth.ok
                                ? { ok: true }
                                : { error: { code: 'InvalidAuthenticationToken', message: auth.message } },
                        ),
                    );
                    return true;
                },
                control: async (req, res, url) => {
                    graphCalls.push(`control ${req.method} ${url.pathname}`);
                    res.writeHead(204);
                    res.end();
                    return true;
                },
                close: async () => {
                    graphCalls.push('close');
                },
            };
        };
        sim = await startM365Simulator({ graph, seed: 42, startTime: Date.UTC(2025, 0, 15, 9, 0, 0) });
    });
    afterAll(async () => {
        await sim.stop();
        expect(graphCalls).toContain('close');
    });

    async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
        const response = await fetch(`${sim.controlUrl}${path}`, {
            method,
            headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, json: text ? JSON.parse(text) : undefined };
    }

    it('serves HTTPS on localhost with the dev CA, and exposes its URLs', () => {
        expect(sim.baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
        expect(sim.authorityHost).toBe(sim.baseUrl);
        expect(sim.graphBaseUrl).toBe(`${sim.baseUrl}/v1.0`);
        expect(sim.controlUrl).toBe(`${sim.baseUrl}/__control`);
        expect(sim.caPath).toMatch(/ca\.pem$/);
    });

    it('does not speak plain HTTP', async () => {
        const outcome = await new Promise<string>((resolve) => {
            const req = httpRequest({ host: '127.0.0.1', port: sim.port, path: '/__control/clock' }, (res) =>
                resolve(`status ${res.statusCode}`),
            );
            req.on('error', () => resolve('error'));
            req.end();
        });
        expect(outcome).not.toBe('status 200');
    });

    it('hands the Graph factory the clock, directory, authenticate and base URL', () => {
        expect(graphDeps?.baseUrl).toBe(sim.baseUrl);
        expect(graphDeps?.clock).toBe(sim.clock);
        expect(graphDeps?.authenticate(undefined)).toEqual({ ok: false, message: 'Access token is empty.' });
        const tenant = sim.entra.createTenant({ name: 'northwind' });
        const user = sim.entra.createUser(tenant.id, { userPrincipalName: 'nancy', displayName: 'Nancy Davolio' });
        expect(graphDeps?.directory.getUser(tenant.id, 'Nancy@Northwind.onmicrosoft.com')).toEqual({
            id: user.id,
            tenantId: tenant.id,
            userPrincipalName: 'nancy@northwind.onmicrosoft.com',
            displayName: 'Nancy Davolio',
            mail: 'nancy@northwind.onmicrosoft.com',
            accountEnabled: true,
        });
        const app = sim.entra.registerApp(tenant.id, {
            displayName: 'App',
            redirectUris: ['https://x/cb'],
            consentedScopes: ['User.Read'],
        });
        const secret = sim.entra.addClientSecret(tenant.id, app.appId, { displayName: 's' });
        expect(graphDeps?.directory.getApplication(tenant.id, app.appId)).toMatchObject({
            appId: app.appId,
            redirectUris: ['https://x/cb'],
            consentedScopes: ['User.Read'],
            passwordCredentials: [
                {
                    keyId: secret.keyId,
                    displayName: 's',
                    hint: secret.secretText.slice(0, 3),
                    endDateTime: new Date(secret.endDateTime).toISOString(),
                },
            ],
        });
    });

    it('routes /v1.0 and unclaimed paths to Graph, /__control/graph to its control API', async () => {
        graphCalls.length = 0;
        expect((await fetch(`${sim.graphBaseUrl}/me`)).status).toBe(401);
        expect((await fetch(`${sim.baseUrl}/upload/session-1`, { method: 'PUT' })).status).toBe(200);
        expect((await fetch(`${sim.controlUrl}/graph/seed`, { method: 'POST' })).status).toBe(204);
        expect(graphCalls).toEqual([
            'handle GET /v1.0/me',
            'handle PUT /upload/session-1',
            'control POST /__control/graph/seed',
        ]);
    });

    it('answers an unknown route with 404 JSON', async () => {
        const response = await fetch(`${sim.baseUrl}/nothing/here`);
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toContain('application/json');
        expect(await response.json()).toEqual({
            error: { code: 'NotFound', message: 'No simulator route for GET /nothing/here.' },
        });
    });

    it('logs requests with method, path without query, status and whether they carried a token', async () => {
        sim.requests.clear();
        await fetch(`${sim.graphBaseUrl}/me?$select=id`, { headers: { Authorization: 'Bearer abc' } });
        await fetch(`${sim.graphBaseUrl}/me`);
        await control('GET', '/clock');
        expect(
            sim.requests.entries.map(({ method, path, status, authorization }) => ({
                method,
                path,
                status,
                authorization,
            })),
        ).toEqual([
            { method: 'GET', path: '/v1.0/me', status: 401, authorization: true },
            { method: 'GET', path: '/v1.0/me', status: 401, authorization: false },
        ]);
        expect(sim.requests.count('GET', /^\/v1\.0\//)).toBe(2);
        expect(sim.requests.count('GET', '/v1.0/me')).toBe(2);
        const listed = await control('GET', '/requests');
        expect(listed.json.value).toHaveLength(2);
        expect((await control('DELETE', '/requests')).status).toBe(204);
        expect(sim.requests.entries).toHaveLength(0);
    });

    it('lets time pass in real time from the start time, and reads, sets and advances the clock over HTTP', async () => {
        const start = Date.UTC(2025, 0, 15, 9, 0, 0);
        const first = (await control('GET', '/clock')).json as { now: number; iso: string };
        expect(first.now).toBeGreaterThanOrEqual(start);
        expect(first.iso).toBe(new Date(first.now).toISOString());
        // Nobody advances it: tokens, download URLs and Retry-After windows still run out.
        await new Promise((r) => setTimeout(r, 1_100));
        const later = (await control('GET', '/clock')).json.now as number;
        expect(later - first.now).toBeGreaterThanOrEqual(1_000);

        const beforeJump = sim.clock.now();
        const jumped = (await control('POST', '/clock/advance', { ms: DAY })).json.now as number;
        expect(jumped - beforeJump).toBeGreaterThanOrEqual(DAY);
        expect(jumped - beforeJump).toBeLessThan(DAY + 60_000);
        const nudged = (await control('POST', '/clock', { advanceMs: 1000 })).json.now as number;
        expect(nudged - jumped).toBeGreaterThanOrEqual(1000);
        const set = (await control('POST', '/clock', { now: '2025-02-01T00:00:00Z' })).json.now as number;
        expect(set).toBeGreaterThanOrEqual(Date.UTC(2025, 1, 1));
        expect(set).toBeLessThan(Date.UTC(2025, 1, 1) + 60_000);
        expect(sim.clock.now()).toBeGreaterThanOrEqual(set);
        expect((await control('POST', '/clock/advance', { ms: -5 })).status).toBe(400);
        expect((await control('POST', '/clock', {})).status).toBe(400);
    });

    it('administers tenants, users and app registrations over HTTP', async () => {
        const tenant = await control('POST', '/tenants', { name: 'tailspin', displayName: 'Tailspin Toys' });
        expect(tenant.status).toBe(201);
        expect(tenant.json).toMatchObject({
            displayName: 'Tailspin Toys',
            domains: ['tailspin.onmicrosoft.com'],
            userConsentAllowed: false,
        });
        expect(tenant.json.id).toMatch(/^[0-9a-f-]{36}$/);
        expect((await control('POST', '/tenants', { name: 'tailspin' })).status).toBe(409);

        const user = await control('POST', '/tenants/tailspin.onmicrosoft.com/users', {
            userPrincipalName: 'lee',
            displayName: 'Lee Gu',
        });
        expect(user.json).toMatchObject({ userPrincipalName: 'lee@tailspin.onmicrosoft.com', accountEnabled: true });
        const disabled = await control('PATCH', `/tenants/${tenant.json.id}/users/${user.json.id}`, {
            accountEnabled: false,
        });
        expect(disabled.json.accountEnabled).toBe(false);
        const before = user.json.lastPasswordChangeDateTime;
        await control('POST', '/clock/advance', { ms: 1000 });
        const changed = await control(
            'POST',
            `/tenants/${tenant.json.id}/users/lee@tailspin.onmicrosoft.com/changePassword`,
        );
        expect(changed.json.lastPasswordChangeDateTime).not.toBe(before);

        const app = await control('POST', `/tenants/${tenant.json.id}/apps`, {
            displayName: 'Sync',
            redirectUris: ['https://contoso.example/oauth2/sharepoint/callback'],
            requiredScopes: ['Files.ReadWrite.All'],
        });
        expect(app.status).toBe(201);
        expect(app.json.consentedScopes).toEqual([]);
        const appPath = `/tenants/${tenant.json.id}/apps/${app.json.appId}`;
        const consented = await control('POST', `${appPath}/adminConsent`, {});
        expect(consented.json.consentedScopes).toEqual(['Files.ReadWrite.All']);
        const secret = await control('POST', `${appPath}/secrets`, {
            displayName: 'prod',
            endDateTime: '2026-01-01T00:00:00Z',
        });
        expect(secret.json).toMatchObject({
            displayName: 'prod',
            endDateTime: '2026-01-01T00:00:00.000Z',
            hint: secret.json.secretText.slice(0, 3),
        });
        expect(secret.json.secretText).toMatch(/^.{3}8Q~.{34}$/);
        const fetched = await control('GET', appPath);
        expect(JSON.stringify(fetched.json)).not.toContain(secret.json.secretText);
        expect(fetched.json.passwordCredentials).toHaveLength(1);
        expect((await control('DELETE', `${appPath}/secrets/${secret.json.keyId}`)).status).toBe(204);
        expect((await control('DELETE', appPath)).status).toBe(204);
        expect((await control('GET', appPath)).status).toBe(404);
        expect((await control('POST', `/tenants/${tenant.json.id}/users`, { displayName: 'No UPN' })).json).toEqual({
            error: { code: 'BadRequest', message: "'userPrincipalName' must be a non-empty string." },
        });
    });

    it('forgets tenants and the log on reset, and hands out the same ids again (seeded)', async () => {
        sim.reset();
        const first = sim.entra.createTenant({ name: 'litware' }).id;
        expect((await control('POST', '/reset')).status).toBe(204);
        expect(sim.entra.listTenants()).toEqual([]);
        expect(sim.entra.createTenant({ name: 'litware' }).id).toBe(first);
    });
});

describe('M365 simulator determinism', () => {
    it('gives the same tenant, user and app ids for the same seed', async () => {
        const ids = async (seed: number) => {
            const sim = await startM365Simulator({ seed });
            try {
                const t = sim.entra.createTenant({ name: 'contoso' });
                const u = sim.entra.createUser(t.id, { userPrincipalName: 'a', displayName: 'A' });
                const a = sim.entra.registerApp(t.id, { displayName: 'x' });
                return [t.id, u.id, a.appId, sim.entra.addClientSecret(t.id, a.appId).secretText];
            } finally {
                await sim.stop();
            }
        };
        const first = await ids(1);
        expect(await ids(1)).toEqual(first);
        expect(await ids(2)).not.toEqual(first);
    });
});
