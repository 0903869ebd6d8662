import { basicWorld, startHarness, type Harness } from './support/harness';

let h: Harness;
let world: ReturnType<typeof basicWorld>;
let alice: string;

beforeEach(async () => {
    h = await startHarness();
    world = basicWorld(h);
    alice = h.userToken('u-alice');
});
afterEach(() => h.close());

describe('throttling and injected failures', () => {
    it('throttles with 429 + Retry-After and escalates, counting requests sent before it passed', async () => {
        const root = `/v1.0/drives/${world.libraryId}/root`;
        h.api.addFault({ kind: 'throttle', count: 1, path: '/children', retryAfterSeconds: 41 });
        const throttled = await h.request('GET', `${root}/children`, { token: alice });
        expect(throttled.status).toBe(429);
        expect(throttled.headers.get('retry-after')).toBe('41');
        expect(throttled.json.error).toMatchObject({
            code: 'activityLimitReached',
            message: 'The request has been throttled',
            innerError: { code: 'throttledRequest' },
        });
        h.clock.advance(10_000);
        const early = await h.request('GET', root, { token: alice }); // a different route, same tenant
        expect(early.status).toBe(429);
        expect(early.headers.get('retry-after')).toBe('315');
        expect(h.api.counters().rethrottleViolations).toBe(1);
        h.clock.advance(315_000);
        expect((await h.request('GET', `${root}/children`, { token: alice })).status).toBe(200);
        expect(h.api.counters().rethrottleViolations).toBe(1);
    });

    it('throttles with 503 + Retry-After, and with 429 without Retry-After', async () => {
        h.api.addFault({ kind: 'throttle', count: 1, status: 503, retryAfterSeconds: 5 });
        h.api.addFault({ kind: 'throttle', count: 1, retryAfterSeconds: null });
        const first = await h.request('GET', '/v1.0/me/drive', { token: alice });
        expect([first.status, first.headers.get('retry-after'), first.json.error.code]).toEqual([
            503,
            '5',
            'serviceNotAvailable',
        ]);
        h.clock.advance(5000);
        const second = await h.request('GET', '/v1.0/me/drive', { token: alice });
        expect([second.status, second.headers.get('retry-after')]).toEqual([429, null]);
        expect((await h.request('GET', '/v1.0/me/drive', { token: alice })).status).toBe(200);
        expect(h.api.counters().throttled).toBe(2);
    });

    it('throttles the pre-authenticated upload URL for the same tenant', async () => {
        const s = await h.request('POST', `/v1.0/drives/${world.libraryId}/root:/t.bin:/createUploadSession`, {
            token: alice,
            body: { item: {} },
        });
        h.api.addFault({ kind: 'throttle', count: 1, path: 'uploadSession', retryAfterSeconds: 2 });
        const put = () =>
            h.request('PUT', s.json.uploadUrl, {
                body: Buffer.alloc(10),
                headers: { 'content-range': 'bytes 0-9/10' },
            });
        expect((await put()).status).toBe(429);
        h.clock.advance(1500); // past the in-flight grace, still inside the 2 s
        expect((await put()).status).toBe(429);
        expect(h.api.counters().rethrottleViolations).toBe(1);
    });

    it('does not escalate for a request already on the wire when the 429 left (within 1 s of it)', async () => {
        h.api.addFault({ kind: 'throttle', count: 1, path: '/children', retryAfterSeconds: 30 });
        const root = `/v1.0/drives/${world.libraryId}/root`;
        expect((await h.request('GET', `${root}/children`, { token: alice })).status).toBe(429);
        h.clock.advance(400);
        const concurrent = await h.request('GET', root, { token: alice });
        expect(concurrent.status).toBe(429);
        expect(concurrent.headers.get('retry-after')).toBe('30'); // the time still to go, not escalated
        expect(h.api.counters().rethrottleViolations).toBe(0);
        h.clock.advance(30_000);
        expect((await h.request('GET', root, { token: alice })).status).toBe(200);
    });

    it('injects 5xx and dropped connections, skipping and counting as told', async () => {
        h.api.addFault({ kind: 'error', count: 2, status: 502, skip: 1, method: 'GET' });
        expect((await h.request('GET', '/v1.0/me/drive', { token: alice })).status).toBe(200);
        expect((await h.request('GET', '/v1.0/me/drive', { token: alice })).status).toBe(502);
        expect((await h.request('GET', '/v1.0/me/drive', { token: alice })).status).toBe(502);
        h.api.addFault({ kind: 'drop', count: 1 });
        await expect(h.request('GET', '/v1.0/me/drive', { token: alice })).rejects.toThrow();
        expect((await h.request('GET', '/v1.0/me/drive', { token: alice })).status).toBe(200);
        expect(h.api.counters()).toMatchObject({ injectedErrors: 2, droppedConnections: 1 });
    });

    it('replays seeded chaos identically', async () => {
        const run = async (): Promise<number[]> => {
            const local = await startHarness('chaos');
            basicWorld(local);
            local.api.setChaos({ seed: 'x', errorRate: 0.3, throttleRate: 0, dropRate: 0 });
            const token = local.userToken('u-alice');
            const statuses: number[] = [];
            for (let i = 0; i < 20; i++)
                statuses.push((await local.request('GET', '/v1.0/me/drive', { token })).status);
            await local.close();
            return statuses;
        };
        const a = await run();
        expect(await run()).toEqual(a);
        expect(a.some((s) => s >= 500)).toBe(true);
        expect(a.some((s) => s === 200)).toBe(true);
    });
});
