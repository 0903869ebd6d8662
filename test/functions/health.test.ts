import { startServiceEnvironment, ServiceEnvironment } from '../support/serviceEnvironment';

describe('GET /api/health', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment()));
    afterAll(() => env.stop());

    it('is anonymous and reports every dependency ok', async () => {
        const res = await env.api('GET', '/api/health', { key: false });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
            status: 'ok',
            dependencies: {
                table: { status: 'ok' },
                queue: { status: 'ok' },
                blob: { status: 'ok' },
                keyVault: { status: 'ok' },
            },
        });
    });

    it('reports 503 and names the dependency that is down', async () => {
        await env.vault.stop();
        const res = await env.api('GET', '/api/health', { key: false });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
            status: 'degraded',
            dependencies: { keyVault: { status: 'failed' }, table: { status: 'ok' } },
        });
    });
});

describe('host routing errors', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment()));
    afterAll(() => env.stop());

    it('answers an unknown route with 404 in the error shape', async () => {
        const res = await env.api('GET', '/api/nothing-here');
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    });

    it('answers a management route without the function key with 401 in the error shape', async () => {
        const res = await env.api('GET', '/api/manage/integration', { key: false });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({
            error: { code: expect.any(String), message: expect.any(String), hint: expect.any(String) },
        });
    });
});
