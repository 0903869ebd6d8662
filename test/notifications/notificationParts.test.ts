import { clientStateMatches, hashClientState, newClientState } from '../../lib/notifications/clientState';
import { existingSubscriptionId } from '../../lib/notifications/graphSubscriptions';
import { parseNotifications } from '../../lib/notifications/notificationBody';
import { notificationUrl } from '../../lib/notifications/notificationUrl';
import { expirationFrom, GRAPH_MAX_LIFETIME_MINUTES } from '../../lib/notifications/policy';
import { GraphError } from '../../lib/graph/graphError';

describe('notification building blocks', () => {
    it("clientState: random, within Graph's 128 characters, matched only by its own value", () => {
        const a = newClientState();
        expect(a).not.toBe(newClientState());
        expect(a.length).toBeLessThanOrEqual(128);
        const hash = hashClientState(a);
        expect(hash).not.toContain(a);
        expect(clientStateMatches(a, hash)).toBe(true);
        for (const wrong of [a + 'x', a.slice(1), '', undefined, 42, 'x'.repeat(129)])
            expect(clientStateMatches(wrong, hash)).toBe(false);
    });

    it('notification URL: https or loopback http is tried, any other http falls back to the schedule', () => {
        expect(notificationUrl({ publicBaseUrl: 'https://sync.contoso.com' })).toEqual({
            ok: true,
            url: 'https://sync.contoso.com/api/graph/notifications',
        });
        expect(notificationUrl({ publicBaseUrl: 'http://127.0.0.1:7071' })).toMatchObject({ ok: true });
        expect(notificationUrl({ publicBaseUrl: 'http://sync.contoso.com' })).toMatchObject({
            ok: false,
            code: 'notification_url_not_https',
        });
    });

    it("expiration stays under Graph's 42,300-minute limit", () => {
        const now = Date.UTC(2026, 0, 1);
        const minutes = (Date.parse(expirationFrom(now)) - now) / 60_000;
        expect(minutes).toBeLessThan(GRAPH_MAX_LIFETIME_MINUTES);
        expect(minutes).toBeGreaterThan(GRAPH_MAX_LIFETIME_MINUTES - 24 * 60);
    });

    it('reads the existing id from a 409 ObjectIdentifierInUse message only', () => {
        const message =
            'Subscription Id 7f105c7d-2dc5-4530-97cd-4e7af6534c07 already exists for the requested combination';
        expect(existingSubscriptionId(new GraphError(409, 'ObjectIdentifierInUse', message))).toBe(
            '7f105c7d-2dc5-4530-97cd-4e7af6534c07',
        );
        expect(existingSubscriptionId(new GraphError(409, 'nameAlreadyExists', message))).toBeUndefined();
    });

    it('parses batched notifications and drops malformed entries', () => {
        const body = JSON.stringify({
            value: [
                { subscriptionId: 's1', clientState: 'c' },
                { clientState: 'no id' },
                null,
                { subscriptionId: 's2', lifecycleEvent: 'reauthorizationRequired' },
            ],
        });
        expect(parseNotifications(body)).toEqual([
            { subscriptionId: 's1', clientState: 'c' },
            { subscriptionId: 's2', lifecycleEvent: 'reauthorizationRequired' },
        ]);
        expect(parseNotifications('not json')).toBeUndefined();
        expect(parseNotifications('{"value":{}}')).toBeUndefined();
    });
});
