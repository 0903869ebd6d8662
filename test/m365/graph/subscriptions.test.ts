import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IMMEDIATE_NOTIFICATION_DELAY, REALISTIC_NOTIFICATION_DELAY } from '../../../dev/m365/graph/model/options';
import { basicWorld, startHarness, type Harness } from './support/harness';

let h: Harness;
let world: ReturnType<typeof basicWorld>;
let alice: string;
let endpoint: {
    url: string;
    server: Server;
    received: { query: string; body: unknown }[];
    respond: (req: IncomingMessage, res: ServerResponse, body: string) => void;
};

/** A notification receiver that echoes validation tokens the right way by default. */
function goodReceiver(req: IncomingMessage, res: ServerResponse, body: string): void {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    if (token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
    }
    endpoint.received.push({ query: new URL(req.url ?? '/', 'http://x').search, body: JSON.parse(body) });
    res.writeHead(202).end();
}

beforeEach(async () => {
    h = await startHarness();
    world = basicWorld(h);
    alice = h.userToken('u-alice');
    // Graph's documented latency (up to 5 minutes) is the default; these tests want the mechanics only.
    h.api.setOptions({
        notifications: { debounceMs: 20, retryBaseMs: 20, deliveryDelay: IMMEDIATE_NOTIFICATION_DELAY },
    });
    const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => endpoint.respond(req, res, body));
    });
    await new Promise<void>((r) => server.listen(0, 'localhost', r));
    endpoint = {
        url: `http://localhost:${(server.address() as AddressInfo).port}/api/graph/notifications?tenant=t1`,
        server,
        received: [],
        respond: goodReceiver,
    };
});
afterEach(async () => {
    await h.close();
    endpoint.server.closeAllConnections();
    await new Promise((r) => endpoint.server.close(r));
});

const expiry = (minutes: number): string => new Date(h.clock.now() + minutes * 60_000).toISOString();
const subscribe = (driveId: string, extra: Record<string, unknown> = {}) =>
    h.request('POST', '/v1.0/subscriptions', {
        token: alice,
        body: {
            changeType: 'updated',
            notificationUrl: endpoint.url,
            resource: `/drives/${driveId}/root`,
            expirationDateTime: expiry(60),
            clientState: 'secret-1',
            ...extra,
        },
    });

describe('subscriptions', () => {
    it('validates the endpoint, creates, lists, renews and deletes', async () => {
        const created = await subscribe(world.libraryId);
        expect(created.status).toBe(201);
        expect(created.json).toMatchObject({
            resource: `/drives/${world.libraryId}/root`,
            changeType: 'updated',
            clientState: 'secret-1',
            notificationUrl: endpoint.url,
        });
        const list = await h.request('GET', '/v1.0/subscriptions', { token: alice });
        expect(list.json.value.map((s: { id: string }) => s.id)).toEqual([created.json.id]);
        const duplicate = await subscribe(world.libraryId);
        expect(duplicate.status).toBe(409);
        expect(duplicate.json.error).toMatchObject({
            code: 'ObjectIdentifierInUse',
            message: `Subscription Id ${created.json.id} already exists for the requested combination`,
        });
        const renewed = await h.request('PATCH', `/v1.0/subscriptions/${created.json.id}`, {
            token: alice,
            body: { expirationDateTime: expiry(42_000) },
        });
        expect(renewed.status).toBe(200);
        const tooLong = await h.request('PATCH', `/v1.0/subscriptions/${created.json.id}`, {
            token: alice,
            body: { expirationDateTime: expiry(42_301) },
        });
        expect(tooLong.status).toBe(400);
        expect((await h.request('DELETE', `/v1.0/subscriptions/${created.json.id}`, { token: alice })).status).toBe(
            204,
        );
        expect(
            (
                await h.request('PATCH', `/v1.0/subscriptions/${created.json.id}`, {
                    token: alice,
                    body: { expirationDateTime: expiry(60) },
                })
            ).status,
        ).toBe(404);
    });

    it('rejects bad requests: changeType, non-root folder, long clientState, http URL, past expiry', async () => {
        expect((await subscribe(world.libraryId, { changeType: 'created' })).status).toBe(400);
        const folder = h.api.mkdirp(world.libraryId, '/sub');
        expect(
            (await subscribe(world.libraryId, { resource: `/drives/${world.libraryId}/items/${folder.id}` })).status,
        ).toBe(400);
        expect((await subscribe(world.libraryId, { clientState: 'x'.repeat(129) })).status).toBe(400);
        expect((await subscribe(world.libraryId, { notificationUrl: 'http://example.com/hook' })).status).toBe(400);
        expect((await subscribe(world.libraryId, { expirationDateTime: expiry(-1) })).status).toBe(400);
        expect(endpoint.received).toEqual([]);
    });

    it('fails validation when the echo is wrong or too slow, and creates nothing', async () => {
        endpoint.respond = (req, res) =>
            res
                .writeHead(200, { 'content-type': 'text/plain' })
                .end(decodeURIComponent((req.url ?? '').split('validationToken=')[1] ?? ''));
        const plusNotDecoded = await subscribe(world.libraryId);
        expect(plusNotDecoded.status).toBe(400);
        expect(plusNotDecoded.json.error.code).toBe('ValidationError');
        h.api.setOptions({ notifications: { validationTimeoutMs: 200 } });
        endpoint.respond = (req, res, body) => void setTimeout(() => goodReceiver(req, res, body), 500);
        const slow = await subscribe(world.libraryId);
        expect(slow.json.error).toMatchObject({
            code: 'ValidationError',
            message: 'Subscription validation request timed out.',
        });
        expect((await h.request('GET', '/v1.0/subscriptions', { token: alice })).json.value).toEqual([]);
    });

    it('delivers batched notifications with clientState, keeps the query string, retries on failure', async () => {
        const a = await subscribe(world.libraryId);
        const b = await subscribe(world.oneDriveId, { clientState: 'secret-2' });
        h.api.putFile(world.libraryId, '/x.txt', 'x');
        h.api.putFile(world.oneDriveId, '/y.txt', 'y');
        await h.api.flushNotifications();
        expect(endpoint.received).toHaveLength(1);
        expect(endpoint.received[0].query).toBe('?tenant=t1');
        const entries = (endpoint.received[0].body as { value: Record<string, unknown>[] }).value;
        expect(entries).toEqual(
            expect.arrayContaining([
                expect.objectContaining({
                    subscriptionId: a.json.id,
                    clientState: 'secret-1',
                    changeType: 'updated',
                    resource: `/drives/${world.libraryId}/root`,
                    tenantId: expect.any(String),
                }),
                expect.objectContaining({ subscriptionId: b.json.id, clientState: 'secret-2' }),
            ]),
        );
        expect(entries.every((e) => e.subscriptionExpirationDateTime)).toBe(true);

        let failures = 2;
        endpoint.respond = (req, res, body) =>
            failures-- > 0 ? res.writeHead(500).end() : goodReceiver(req, res, body);
        h.api.putFile(world.libraryId, '/z.txt', 'z');
        await h.api.flushNotifications();
        expect(endpoint.received).toHaveLength(2);
        expect(h.api.counters().notificationFailures).toBe(2);
    });

    it('stops silently at expiry, and can send a forged notification', async () => {
        const sub = await subscribe(world.libraryId);
        h.api.sendForgedNotification(sub.json.id, 'forged');
        await h.api.flushNotifications();
        expect((endpoint.received[0].body as { value: { clientState: string }[] }).value[0].clientState).toBe('forged');
        h.clock.advance(61 * 60_000);
        alice = h.userToken('u-alice');
        h.api.putFile(world.libraryId, '/late.txt', 'l');
        await h.api.flushNotifications();
        expect(endpoint.received).toHaveLength(1);
        expect((await h.request('GET', '/v1.0/subscriptions', { token: alice })).json.value).toEqual([]);
    });

    it("delivers with Graph's documented latency for driveItem by default: under a minute on average, at most five", async () => {
        const fresh = await startHarness('latency');
        try {
            expect(fresh.api.getOptions().notifications.deliveryDelay).toEqual(REALISTIC_NOTIFICATION_DELAY);
            expect(REALISTIC_NOTIFICATION_DELAY.meanMs).toBeLessThan(60_000);
            expect(REALISTIC_NOTIFICATION_DELAY.maxMs).toBe(5 * 60_000);
        } finally {
            await fresh.close();
        }
        // A configured delay holds the batch back, and changes made meanwhile join it.
        h.api.setOptions({ notifications: { deliveryDelay: { minMs: 600, meanMs: 600, maxMs: 600 } } });
        await subscribe(world.libraryId);
        h.api.putFile(world.libraryId, '/slow-1.txt', '1');
        await new Promise((r) => setTimeout(r, 200));
        expect(endpoint.received).toHaveLength(0);
        h.api.putFile(world.libraryId, '/slow-2.txt', '2');
        await h.api.flushNotifications();
        expect(endpoint.received).toHaveLength(1);
    });

    /** Waits (real time) until the receiver has got something matching, or fails. */
    async function received(what: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]> {
        const deadline = Date.now() + 10_000;
        for (;;) {
            await h.api.flushNotifications();
            const entries = endpoint.received.flatMap((r) => (r.body as { value: Record<string, unknown>[] }).value);
            const matching = entries.filter(what);
            if (matching.length > 0) return matching;
            if (Date.now() > deadline) throw new Error('Nothing matching arrived');
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    const changes = () =>
        endpoint.received
            .flatMap((r) => (r.body as { value: Record<string, unknown>[] }).value)
            .filter((e) => e.lifecycleEvent === undefined);

    it('challenges drive subscriptions with reauthorizationRequired before the token expires, pauses them unanswered, resumes on /reauthorize', async () => {
        const shortLived = h.principal('short', {
            userId: 'u-alice',
            scopes: ['Files.ReadWrite.All', 'Sites.ReadWrite.All'],
            expiresAt: h.clock.now() + 20 * 60_000,
        });
        const created = await h.request('POST', '/v1.0/subscriptions', {
            token: shortLived,
            body: {
                changeType: 'updated',
                notificationUrl: endpoint.url,
                lifecycleNotificationUrl: endpoint.url,
                resource: `/drives/${world.libraryId}/root`,
                expirationDateTime: expiry(60 * 24),
                clientState: 'secret-1',
            },
        });
        expect(created.status).toBe(201);
        const id = created.json.id as string;

        // Within 15 minutes of the token's expiry, the challenge goes to the lifecycle URL.
        h.clock.advance(6 * 60_000);
        const [challenge] = await received((e) => e.lifecycleEvent === 'reauthorizationRequired');
        expect(challenge).toEqual({
            subscriptionId: id,
            subscriptionExpirationDateTime: expect.any(String),
            tenantId: expect.any(String),
            clientState: 'secret-1',
            lifecycleEvent: 'reauthorizationRequired',
        });

        // Nobody answered: 15 minutes after the token expired, changes are no longer delivered (and lost).
        h.clock.advance(30 * 60_000);
        h.api.putFile(world.libraryId, '/while-paused.txt', 'p');
        await h.api.flushNotifications();
        expect(changes()).toHaveLength(0);

        const fresh = h.userToken('u-alice');
        const reauthorized = await h.request('POST', `/v1.0/subscriptions/${id}/reauthorize`, { token: fresh });
        expect(reauthorized.status).toBe(204);
        h.api.putFile(world.libraryId, '/after.txt', 'a');
        await received((e) => e.lifecycleEvent === undefined);
        expect(changes()).toEqual([expect.objectContaining({ subscriptionId: id, clientState: 'secret-1' })]);
    });

    it('lets a renewal (PATCH) answer the challenge too, and never pauses a subscription that has no lifecycle URL', async () => {
        const shortLived = h.principal('short2', {
            userId: 'u-alice',
            scopes: ['Files.ReadWrite.All', 'Sites.ReadWrite.All'],
            expiresAt: h.clock.now() + 20 * 60_000,
        });
        const plain = await subscribe(world.oneDriveId, { expirationDateTime: expiry(60 * 24) });
        const sub = await h.request('POST', '/v1.0/subscriptions', {
            token: shortLived,
            body: {
                changeType: 'updated',
                notificationUrl: endpoint.url,
                lifecycleNotificationUrl: endpoint.url,
                resource: `/drives/${world.libraryId}/root`,
                expirationDateTime: expiry(60 * 24),
                clientState: 'secret-1',
            },
        });
        expect([plain.status, sub.status]).toEqual([201, 201]);
        // Both authorizations are long over; only the one with a lifecycle URL is paused.
        h.clock.advance(80 * 60_000);
        h.api.putFile(world.libraryId, '/lib-1.txt', 'l');
        h.api.putFile(world.oneDriveId, '/od-1.txt', 'o');
        await received((e) => e.subscriptionId === plain.json.id && e.lifecycleEvent === undefined);
        expect(changes().filter((e) => e.subscriptionId === sub.json.id)).toHaveLength(0);

        const renewed = await h.request('PATCH', `/v1.0/subscriptions/${sub.json.id}`, {
            token: h.userToken('u-alice'),
            body: { expirationDateTime: expiry(60 * 24) },
        });
        expect(renewed.status).toBe(200);
        h.api.putFile(world.libraryId, '/lib-2.txt', 'l');
        await received((e) => e.subscriptionId === sub.json.id && e.lifecycleEvent === undefined);
    });
});
