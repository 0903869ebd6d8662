import { HttpRequest, InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { graphNotificationsHandler } from '../../functions/graphNotifications';
import { hashClientState } from '../../lib/notifications/clientState';
import { forgetSubscriptionLookup } from '../../lib/notifications/lookupCache';
import { MAX_NOTIFICATION_BYTES, MAX_NOTIFICATION_ENTRIES } from '../../lib/notifications/notificationBody';
import { putSubscription } from '../../lib/notifications/subscriptionStore';
import { forgetSyncRequests, resetSyncRequestCacheForTests } from '../../lib/notifications/syncRequests';
import { LOOKUP_CONCURRENCY, UNKNOWN_BUDGET } from '../../lib/notifications/webhook';
import { getServices } from '../../lib/runtime/services';
import { recordOutgoing } from '../support/outgoingRequests';
import { startServiceEnvironment, ServiceEnvironment } from '../support/serviceEnvironment';

/**
 * The webhook is anonymous: whatever anyone posts, one request costs a bounded, small number of
 * storage calls and log lines, and real subscriptions keep working (README "Security").
 */
describe('hostile requests to POST /api/graph/notifications', () => {
    let env: ServiceEnvironment;
    const logLines: string[] = [];
    const real = { subscriptionId: randomUUID(), clientState: 'the-real-client-state', driveId: 'drv_hostile' };
    const good = { subscriptionId: real.subscriptionId, clientState: real.clientState, changeType: 'updated' };
    const entry = (subscriptionId: string) => ({
        subscriptionId,
        clientState: 'x',
        changeType: 'updated',
        resource: '/drives/b!x/root',
        tenantId: randomUUID(),
    });
    const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${env.host.url}/api/graph/notifications`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
        });
    /** Storage calls the service makes while `run` runs: every backend request but the host's queue polling. */
    async function storageCalls(run: () => Promise<void>): Promise<{ total: number; subscriptionReads: number }> {
        const outgoing = recordOutgoing(/^\/api\/graph\/notifications/);
        try {
            await run();
        } finally {
            outgoing.stop();
        }
        return {
            total: outgoing.requests.length,
            // Reads of `sub` rows (the same table also holds the debounce rows of real syncs).
            subscriptionReads: outgoing.requests.filter(
                (r) => r.method === 'GET' && /Subscriptions\(PartitionKey=(%27|')sub(%27|')/.test(r.path),
            ).length,
        };
    }

    beforeAll(async () => {
        env = await startServiceEnvironment({ logLines });
        const services = await getServices();
        await putSubscription(await services.tables.get('subscriptions'), {
            subscriptionId: real.subscriptionId,
            integrationId: 'default',
            graphDriveId: 'b!hostile',
            driveIds: [real.driveId],
            homeAccountId: 'oid.tid',
            clientStateHash: hashClientState(real.clientState),
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            createdAt: new Date().toISOString(),
        });
    });
    afterAll(() => env.stop());
    beforeEach(async () => {
        forgetSubscriptionLookup();
        resetSyncRequestCacheForTests();
        await forgetSyncRequests(await (await getServices()).tables.get('subscriptions'), real.driveId);
    });

    // The hostile-request table: what is posted, what the webhook answers, what it may cost.
    const hostile: { name: string; body: () => string; status: number; maxSubscriptionReads: number }[] = [
        {
            name: `${MAX_NOTIFICATION_ENTRIES} distinct made-up subscription ids`,
            body: () =>
                JSON.stringify({
                    value: Array.from({ length: MAX_NOTIFICATION_ENTRIES }, () => entry(randomUUID())),
                }),
            status: 202,
            maxSubscriptionReads: UNKNOWN_BUDGET + LOOKUP_CONCURRENCY - 1,
        },
        {
            name: 'one made-up id repeated 1,000 times',
            body: () => {
                const id = randomUUID();
                return JSON.stringify({ value: Array.from({ length: 1000 }, () => entry(id)) });
            },
            status: 202,
            maxSubscriptionReads: 1,
        },
        {
            name: "a body just under 1 MiB of ~37,000 distinct ids (the review's hostile body)",
            body: () => {
                // As many short distinct ids as fit under the byte limit (~37,000 entries): the entry cap refuses it.
                const ids: string[] = [];
                let bytes = '{"value":[]}'.length;
                for (let i = 0; ; i++) {
                    const e = `{"subscriptionId":"${i.toString(36).padStart(6, '0')}"}`;
                    if (bytes + e.length + 1 > MAX_NOTIFICATION_BYTES) break;
                    ids.push(e);
                    bytes += e.length + 1;
                }
                return `{"value":[${ids.join(',')}]}`;
            },
            status: 413,
            maxSubscriptionReads: 0,
        },
        {
            name: 'a body over the byte limit',
            body: () => JSON.stringify({ value: [entry(randomUUID())], pad: 'x'.repeat(MAX_NOTIFICATION_BYTES) }),
            status: 413,
            maxSubscriptionReads: 0,
        },
        {
            name: 'a body that is not a notification',
            body: () => JSON.stringify({ nope: Array.from({ length: 1000 }, () => randomUUID()) }),
            status: 400,
            maxSubscriptionReads: 0,
        },
    ];

    it.each(hostile)('$name: $status, at most $maxSubscriptionReads subscription reads', async (c) => {
        const body = c.body();
        const linesBefore = logLines.length;
        let status = 0;
        const calls = await storageCalls(async () => {
            const res = await post(body);
            await res.arrayBuffer();
            status = res.status;
        });
        expect(status).toBe(c.status);
        expect(calls.subscriptionReads).toBeLessThanOrEqual(c.maxSubscriptionReads);
        // No other storage call at all: nothing of it is ours, so nothing is enqueued or written.
        expect(calls.total).toBe(calls.subscriptionReads);
        // At most one log line about the batch, never one per entry.
        const ignored = logLines.slice(linesBefore).filter((l) => /not ours|unknown subscription/i.test(l));
        expect(ignored.length).toBeLessThanOrEqual(1);
    });

    it('a real notification among made-up ones still syncs its drive, and made-up ids evict nothing', async () => {
        await post(JSON.stringify({ value: [good] })); // the real subscription is now cached
        await forgetSyncRequests(await (await getServices()).tables.get('subscriptions'), real.driveId);
        resetSyncRequestCacheForTests();
        for (let i = 0; i < 20; i++) {
            const res = await post(
                JSON.stringify({ value: Array.from({ length: MAX_NOTIFICATION_ENTRIES }, () => entry(randomUUID())) }),
            );
            expect(res.status).toBe(202);
        }
        const calls = await storageCalls(async () => {
            const res = await post(JSON.stringify({ value: [entry(randomUUID()), good, entry(randomUUID())] }));
            expect(res.status).toBe(202);
        });
        // The real subscription came from the cache (20,000 made-up ids did not push it out); its drive got a sync.
        expect(calls.subscriptionReads).toBeLessThanOrEqual(2);
        expect(calls.total).toBeGreaterThan(calls.subscriptionReads);
    });

    describe('the body is refused before it is read whole (Azure streams request bodies to the handler)', () => {
        /** A request as the worker builds it in stream mode, over a body that counts what is pulled from it. */
        function streamedRequest(
            totalBytes: number,
            headers: Record<string, string>,
        ): { request: HttpRequest; pulled: () => number } {
            let pulled = 0;
            const chunk = Buffer.alloc(64 * 1024, 0x20);
            const stream = new ReadableStream<Uint8Array>(
                {
                    pull(controller) {
                        if (pulled >= totalBytes) return controller.close();
                        pulled += chunk.length;
                        controller.enqueue(chunk);
                    },
                },
                { highWaterMark: 0 }, // nothing is pulled until someone reads
            );
            const nativeRequest = new Request('http://localhost/api/graph/notifications', {
                method: 'POST',
                headers,
                body: stream,
                duplex: 'half',
            } as RequestInit);
            return { request: new HttpRequest({ nativeRequest } as never), pulled: () => pulled };
        }

        it('on a Content-Length over the limit: 413, and not one byte is read', async () => {
            const { request, pulled } = streamedRequest(64 * 1024 * 1024, {
                'content-length': String(64 * 1024 * 1024),
            });
            const res = await graphNotificationsHandler(request, new InvocationContext());
            expect(res.status).toBe(413);
            expect(res.jsonBody).toMatchObject({ error: { code: 'notification_too_large' } });
            expect(pulled()).toBe(0);
        });

        it('without a Content-Length: 413 as soon as the stream crosses the limit, the rest unread', async () => {
            const { request, pulled } = streamedRequest(64 * 1024 * 1024, {});
            const res = await graphNotificationsHandler(request, new InvocationContext());
            expect(res.status).toBe(413);
            expect(pulled()).toBeLessThanOrEqual(MAX_NOTIFICATION_BYTES + 3 * 64 * 1024);
        });
    });
});
