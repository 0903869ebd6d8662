import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { http, type FunctionDefinition } from '../../functions/definition';
import { functions as registry } from '../../functions/registry';
import { resetConfigForTests } from '../../lib/config/config';
import { azuriteConnectionString } from '../support/uniqueNames';
import { startTestHost, testHostJson } from './hostFixture';
import type { LocalHost } from '../../dev/host/localHost';

let releaseStream: () => void = () => undefined;
const streamGate = () => new Promise<void>((resolve) => (releaseStream = resolve));
const seen: { contexts: InvocationContext[] } = { contexts: [] };

/**
 * Registered as the host sees a plain `app.http` (only GET routed to it), not through the service's
 * http(), which routes every method to the function so that it can answer 405 itself.
 */
const getItemOptions = {
    route: 'test/drives/{driveId}/items/{id:int}',
    methods: ['GET' as const],
    handler: async (req: HttpRequest, context: InvocationContext) => {
        seen.contexts.push(context);
        return {
            jsonBody: { params: req.params, tags: req.query.getAll('tag'), method: req.method, url: req.url },
        };
    },
};

const testFunctions: FunctionDefinition[] = [
    { kind: 'http', name: 'getItem', allowedMethods: getItemOptions.methods, options: getItemOptions },
    http('getThing', {
        route: 'test/things/{id:guid}',
        methods: ['GET'],
        handler: async (req) => ({ body: `guid ${req.params.id}` }),
    }),
    http('getFile', {
        route: 'test/files/{*path}',
        methods: ['GET'],
        handler: async (req) => ({ jsonBody: { path: req.params.path ?? null } }),
    }),
    http('optional', {
        route: 'test/opt/{name?}',
        methods: ['GET'],
        handler: async (req) => ({ jsonBody: { name: req.params.name ?? null } }),
    }),
    http('secure', {
        route: 'test/secure',
        methods: ['GET', 'POST'],
        authLevel: 'function',
        handler: async () => ({ status: 200, jsonBody: { ok: true } }),
    }),
    http('adminOnly', {
        route: 'test/admin-only',
        methods: ['GET'],
        authLevel: 'admin',
        handler: async () => ({ status: 200, jsonBody: { ok: true } }),
    }),
    http('echo', {
        route: 'test/echo',
        methods: ['POST', 'PUT'],
        handler: async (req) => {
            const bytes = Buffer.from(await req.arrayBuffer());
            return new HttpResponse({
                status: 201,
                headers: {
                    'content-type': req.headers.get('content-type') ?? 'application/octet-stream',
                    'x-echo-length': String(bytes.length),
                },
                cookies: [{ name: 'session', value: 'a b', httpOnly: true, sameSite: 'Lax', path: '/' }],
                body: bytes,
            });
        },
    }),
    http('boom', {
        route: 'test/boom',
        methods: ['GET'],
        handler: async () => {
            throw new Error('secret detail 4242');
        },
    }),
    http('nothing', {
        route: 'test/nothing',
        methods: ['DELETE'],
        handler: async () => undefined as unknown as HttpResponse,
    }),
    http('stream', {
        route: 'test/stream',
        methods: ['GET'],
        handler: async () => {
            const gate = streamGate();
            const body = new ReadableStream<Uint8Array>({
                async start(controller) {
                    controller.enqueue(new TextEncoder().encode('first;'));
                    // The second chunk exists only after the client has received the first: a host that buffered would hang here.
                    await gate;
                    controller.enqueue(new TextEncoder().encode('second'));
                    controller.close();
                },
            });
            return { headers: { 'content-type': 'text/plain' }, body };
        },
    }),
    http('iterable', {
        route: 'test/iterable',
        methods: ['GET'],
        handler: async () => {
            async function* chunks() {
                for (let i = 0; i < 3; i++) yield Buffer.from(`part${i};`);
            }
            return { body: chunks() };
        },
    }),
];

let host: LocalHost;
let logs: string[];

beforeAll(async () => {
    // The real health function reads configuration from the environment: Azurite for storage, and a
    // Key Vault URL nobody listens on, so health reports Key Vault as failed without waiting long.
    Object.assign(process.env, {
        SyncStorage: azuriteConnectionString(),
        KEY_VAULT_URL: 'https://127.0.0.1:9',
        PUBLIC_BASE_URL: 'http://localhost:7071',
        AZURE_CREDENTIAL: 'dev',
    });
    resetConfigForTests();
    ({ host, logs } = await startTestHost({
        functions: [...registry.filter((f) => f.kind === 'http'), ...testFunctions],
        hostJson: testHostJson(),
        maxRequestBodyBytes: 64 * 1024,
    }));
});

afterAll(async () => {
    releaseStream();
    await host?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);

/** A raw request to /test/echo whose body `write` produces, resolved with the response (the upload may be cut short). */
function send(
    method: string,
    headers: Record<string, string>,
    write: (req: ClientRequest) => void,
): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(`${host.url}/test/echo`, { method, headers }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        // The host closes the connection after refusing: a write error after the response is expected.
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.flushHeaders();
        write(req);
    });
}

describe('local host: HTTP', () => {
    it('binds route parameters and constraints, and matches literals case-insensitively', async () => {
        const res = await get('/Test/Drives/b%21abc/ITEMS/42?tag=a&tag=b');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        const body = (await res.json()) as {
            params: Record<string, string>;
            tags: string[];
            method: string;
            url: string;
        };
        expect(body).toEqual({
            params: { driveId: 'b!abc', id: '42' },
            tags: ['a', 'b'],
            method: 'GET',
            url: `${host.url}/Test/Drives/b%21abc/ITEMS/42?tag=a&tag=b`,
        });
        const context = seen.contexts.at(-1)!;
        expect(context.functionName).toBe('getItem');
        expect(context.invocationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers.get('x-ms-invocation-id')).toBe(context.invocationId);

        expect((await get('/test/drives/x/items/abc')).status).toBe(404);
        expect(await (await get('/test/things/0f8fad5b-d9cb-469f-a165-70867728950e')).text()).toBe(
            'guid 0f8fad5b-d9cb-469f-a165-70867728950e',
        );
        expect((await get('/test/things/12345')).status).toBe(404);
        expect(await (await get('/test/files/a/b/c.txt')).json()).toEqual({ path: 'a/b/c.txt' });
        expect(await (await get('/test/opt')).json()).toEqual({ name: null });
        expect(await (await get('/test/opt/zed')).json()).toEqual({ name: 'zed' });
    });

    it('answers an unknown route, or a method no registration routes, with a bare 404, as Azure does', async () => {
        for (const res of [await get('/test/nowhere'), await get('/test/drives/x/items/1', { method: 'POST' })]) {
            expect(res.status).toBe(404);
            expect(await res.text()).toBe('');
        }
        expect(logs.some((l) => l.includes('→ 404: no function serves POST /test/drives/x/items/1'))).toBe(true);
    });

    it('requires the function key in x-functions-key or ?code= for authLevel function', async () => {
        // Azure's host answers a missing or wrong key with a bare 401 (m365-quirks.md 13); the local
        // host says why in its log only.
        const missing = await get('/test/secure');
        expect(missing.status).toBe(401);
        expect(await missing.text()).toBe('');
        expect(logs.some((l) => /GET \/test\/secure → 401: no key sent .*x-functions-key.*code/.test(l))).toBe(true);

        const wrong = await get('/test/secure', { headers: { 'x-functions-key': 'not-the-key' } });
        expect(wrong.status).toBe(401);
        expect(await wrong.text()).toBe('');
        expect((await get('/test/secure?code=wrong')).status).toBe(401);

        expect((await get('/test/secure', { headers: { 'x-functions-key': host.functionKey } })).status).toBe(200);
        expect((await get(`/test/secure?code=${encodeURIComponent(host.functionKey)}`)).status).toBe(200);
        // A named host key (the platform key) opens every function-level route, as on Azure.
        expect((await get('/test/secure', { headers: { 'x-functions-key': host.platformKey } })).status).toBe(200);
    });

    it('opens admin-level routes with the master key only: the platform key gets 401, as from Azure', async () => {
        const withPlatformKey = await get('/test/admin-only', { headers: { 'x-functions-key': host.platformKey } });
        expect(withPlatformKey.status).toBe(401);
        expect(await withPlatformKey.text()).toBe('');
        expect(logs.some((l) => /admin-only → 401: the platform key .*master/.test(l))).toBe(true);
        expect((await get(`/test/admin-only?code=${encodeURIComponent(host.platformKey)}`)).status).toBe(401);
        expect((await get('/test/admin-only')).status).toBe(401);
        expect((await get('/test/admin-only', { headers: { 'x-functions-key': host.functionKey } })).status).toBe(200);
        expect(host.platformKey).not.toBe(host.functionKey);
    });

    it('answers 500 with the error shape and no error text when a handler throws, and logs it', async () => {
        const res = await get('/test/boom');
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(text).not.toContain('secret detail');
        expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: 'internal_error' }) });
        expect(logs.join('\n')).toContain('secret detail 4242');
        expect(logs.some((l) => /Executed 'Functions\.boom' \(Failed/.test(l))).toBe(true);
    });

    it('round-trips a request body, status, headers and cookies', async () => {
        const payload = Buffer.from([0, 1, 2, 250, 255]);
        const res = await get('/test/echo', {
            method: 'POST',
            body: payload,
            headers: { 'content-type': 'application/x-test' },
        });
        expect(res.status).toBe(201);
        expect(res.headers.get('content-type')).toBe('application/x-test');
        expect(res.headers.get('x-echo-length')).toBe('5');
        expect(res.headers.getSetCookie()).toEqual(['session=a%20b; Path=/; HttpOnly; SameSite=Lax']);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(payload);
    });

    it('answers 204 when a handler returns nothing', async () => {
        const res = await get('/test/nothing', { method: 'DELETE' });
        expect(res.status).toBe(204);
    });

    it('streams a ReadableStream body chunk by chunk, and an async iterable', async () => {
        const res = await get('/test/stream');
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toBe('first;');
        releaseStream();
        let rest = '';
        for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
        expect(rest).toBe('second');

        expect(await (await get('/test/iterable')).text()).toBe('part0;part1;part2;');
    });

    it('refuses bodies over the limit with 413, whether declared or streamed', async () => {
        // Content-Length alone is enough: the host answers before any byte of the body arrives.
        const declared = await send('PUT', { 'content-length': String(200 * 1024 * 1024) }, () => undefined);
        expect(declared.status).toBe(413);
        expect(declared.body).toBe('');

        // Chunked upload with no length: refused once the bytes received cross the limit (64 KiB here).
        let written = 0;
        const streamed = await send('POST', { 'transfer-encoding': 'chunked' }, (req) => {
            const pump = () => {
                while (written < 1024 * 1024 && req.write(Buffer.alloc(8 * 1024, 1))) written += 8 * 1024;
                if (written < 1024 * 1024) req.once('drain', pump);
            };
            pump();
        });
        expect(streamed.status).toBe(413);
        expect(streamed.body).toBe('');
        expect(written).toBeGreaterThan(64 * 1024);
    });

    it('serves the real registry: /api/health says only degraded, /api/health/details (a key) names the dependency', async () => {
        const res = await get('/api/health');
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ status: 'degraded' });
        const details = await get('/api/health/details', { headers: { 'x-functions-key': host.platformKey } });
        expect(details.status).toBe(503);
        const body = (await details.json()) as { dependencies: Record<string, { status: string }> };
        expect(body.dependencies.queue!.status).toBe('ok');
        expect(body.dependencies.keyVault!.status).toBe('failed');
        expect((await get('/api/health/details')).status).toBe(401);
    });
});
