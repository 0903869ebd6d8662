import { forgetReadinessForTests } from '../../lib/diagnostics/readiness';
import { recordOutgoing } from '../support/outgoingRequests';
import { startServiceEnvironment, ServiceEnvironment } from '../support/serviceEnvironment';

describe('GET /api/health', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment()));
    afterAll(() => env.stop());
    beforeEach(() => forgetReadinessForTests());

    it('is anonymous and answers the status only; the details need a key', async () => {
        const res = await env.api('GET', '/api/health', { key: false });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok' });

        expect((await env.api('GET', '/api/health/details', { key: false })).status).toBe(401);
        const details = await env.api('GET', '/api/health/details', { key: env.host.platformKey });
        expect(details.status).toBe(200);
        expect(details.body).toMatchObject({
            status: 'ok',
            dependencies: {
                table: { status: 'ok' },
                queue: { status: 'ok' },
                blob: { status: 'ok' },
                keyVault: { status: 'ok' },
            },
        });
    });

    it('probes once per interval with the long-lived clients, however many anonymous requests arrive', async () => {
        await env.api('GET', '/api/health', { key: false }); // the instance's clients exist and are authorised
        forgetReadinessForTests();
        const outgoing = recordOutgoing(/^\/api\/health/);
        try {
            const first = await env.api('GET', '/api/health', { key: false });
            expect(first.status).toBe(200);
            // One cheap read per dependency, and no Key Vault challenge round trip: the client was reused.
            expect(outgoing.requests.length).toBe(4);
            const burst = await Promise.all(
                Array.from({ length: 30 }, () => env.api('GET', '/api/health', { key: false })),
            );
            expect(burst.every((r) => r.status === 200)).toBe(true);
            await env.api('GET', '/api/health/details', { key: env.host.platformKey });
            expect(outgoing.requests.length).toBe(4);
        } finally {
            outgoing.stop();
        }
    });

    it('reports 503 with the status only, and names the dependency that is down to a key holder', async () => {
        await env.vault.stop();
        const res = await env.api('GET', '/api/health', { key: false });
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ status: 'degraded' });
        const details = await env.api('GET', '/api/health/details');
        expect(details.status).toBe(503);
        expect(details.body).toMatchObject({
            status: 'degraded',
            dependencies: { keyVault: { status: 'failed' }, table: { status: 'ok' } },
        });
    });
});

describe('host routing errors', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment()));
    afterAll(() => env.stop());

    // What the host decides, it answers as Azure's host does: a bare status, no body (m365-quirks.md 13).
    it('answers an unknown route with a bare 404', async () => {
        const res = await env.api('GET', '/api/nothing-here');
        expect(res.status).toBe(404);
        expect(res.text).toBe('');
    });

    it('answers a management route without a key with a bare 401', async () => {
        const res = await env.api('GET', '/api/manage/integration', { key: false });
        expect(res.status).toBe(401);
        expect(res.text).toBe('');
    });

    it('answers a management route with the platform key with 401: only the master key opens it', async () => {
        const res = await env.api('GET', '/api/manage/integration', { key: env.host.platformKey });
        expect(res.status).toBe(401);
        expect(res.text).toBe('');
        // The platform key still opens the platform's routes.
        const drives = await env.api('GET', '/api/drives', { key: env.host.platformKey });
        expect(drives.status).not.toBe(401);
    });
});
