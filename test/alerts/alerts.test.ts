import { createHmac } from 'node:crypto';
import {
    purgeResolvedAlerts,
    raiseAlert,
    resolveAlert,
    WEBHOOK_SIGNING_KEY_SECRET,
    type AlertRecord,
} from '../../lib/alerts';
import { SIGNATURE_TOLERANCE_SECONDS, verifySignature } from '../../lib/alerts/webhookDelivery';
import type { Logger } from '../../lib/logging/logger';
import { startHarness, startWebhookReceiver, type Harness, type WebhookReceiver } from '../credentials/harness';

const FAST = { attempts: 3, delaysMs: [20, 20], timeoutMs: 2_000 };

function capturingLogger(): Logger & { warnings: { message: string; properties?: Record<string, unknown> }[] } {
    const warnings: { message: string; properties?: Record<string, unknown> }[] = [];
    return {
        warnings,
        info: () => undefined,
        error: () => undefined,
        warn: (message, properties) => void warnings.push({ message, properties }),
    };
}

let key = 0;
function input(overrides: Partial<Parameters<typeof raiseAlert>[1]> = {}): Parameters<typeof raiseAlert>[1] {
    return {
        key: `test-condition:${++key}`,
        severity: 'warning',
        kind: 'test_condition',
        title: 'Something needs attention',
        message: 'A test condition holds.',
        hint: 'Do the thing.',
        subject: { type: 'integration', id: 'default' },
        ...overrides,
    };
}

describe('alerts: raise once, list, acknowledge, signed webhook delivery', () => {
    let h: Harness;
    let hook: WebhookReceiver;
    beforeAll(async () => {
        hook = await startWebhookReceiver();
        h = await startHarness({ PLATFORM_WEBHOOK_URL: hook.url });
        expect((await h.configure()).status).toBe(201);
    });
    afterAll(async () => {
        await h.stop();
        await hook.stop();
    });
    beforeEach(() => {
        hook.received.length = 0;
        hook.failNext = 0;
    });

    it('raises a condition once, logs a structured warning and POSTs it signed with the Key Vault key', async () => {
        const services = await h.services();
        const log = capturingLogger();
        const condition = input({ severity: 'critical' });
        const first = await raiseAlert(services, condition, { log, retry: FAST });
        const second = await raiseAlert(services, condition, { log, retry: FAST });
        expect(first.raised).toBe(true);
        expect(second).toMatchObject({ raised: false, alert: { id: first.alert.id } });
        expect(log.warnings).toHaveLength(1);
        expect(log.warnings[0]!.properties).toMatchObject({
            alertId: first.alert.id,
            key: condition.key,
            severity: 'critical',
            kind: 'test_condition',
        });

        expect(hook.received).toHaveLength(1);
        const { headers, body } = hook.received[0]!;
        const signingKey = (await services.secrets.getSecret(WEBHOOK_SIGNING_KEY_SECRET)).value!;
        expect(signingKey.length).toBeGreaterThanOrEqual(32);
        // x-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "t.body")>: the timestamp is signed too.
        const signature = String(headers['x-signature']);
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
        expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
        expect(v1).toBe(createHmac('sha256', signingKey).update(`${t}.${body}`).digest('hex'));
        expect(headers).not.toHaveProperty('x-signature-256'); // the old body-only (replayable) signature is gone
        expect(verifySignature(signature, body, signingKey)).toBe(true);
        expect(verifySignature(signature, body, 'another key')).toBe(false);
        const parsed = JSON.parse(body) as { type: string; alert: AlertRecord };
        expect(parsed).toMatchObject({
            type: 'alert.raised',
            alert: {
                id: first.alert.id,
                key: condition.key,
                title: condition.title,
                hint: condition.hint,
                state: 'open',
            },
        });
        expect(parsed.alert).not.toHaveProperty('delivery');
        expect(first.alert.delivery).toMatchObject({ state: 'delivered', attempts: 1 });
    });

    it('lists open alerts, acknowledges one (recording who), and filters by state', async () => {
        const services = await h.services();
        const { alert } = await raiseAlert(services, input(), { retry: FAST });
        const listed = await h.api('GET', '/api/manage/alerts');
        expect(listed.status).toBe(200);
        expect((listed.body as { value: AlertRecord[] }).value.map((a) => a.id)).toContain(alert.id);

        const ack = await h.env.api('POST', `/api/manage/alerts/${alert.id}/acknowledge`, {
            headers: { 'x-platform-user': 'admin@contoso.com' },
        });
        expect(ack.status).toBe(200);
        expect(ack.body).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedBy: 'admin@contoso.com' });
        expect((await h.env.api('POST', `/api/manage/alerts/${alert.id}/acknowledge`)).body).toMatchObject({
            state: 'acknowledged',
            acknowledgedBy: 'admin@contoso.com',
        });

        const ids = async (q: string) =>
            ((await h.api('GET', `/api/manage/alerts${q}`)).body as { value: AlertRecord[] }).value.map((a) => a.id);
        expect(await ids('?state=open')).not.toContain(alert.id);
        expect(await ids('?state=acknowledged')).toContain(alert.id);
        expect(await ids('')).toContain(alert.id);
        // Acknowledged still deduplicates: the condition has not cleared.
        expect((await raiseAlert(services, { ...alert }, { retry: FAST })).raised).toBe(false);
    });

    it('answers 404 for an unknown alert and 400 for an unknown state', async () => {
        expect((await h.env.api('POST', '/api/manage/alerts/alt_nope/acknowledge')).body).toMatchObject({
            error: { code: 'alert_not_found' },
        });
        const bad = await h.api('GET', '/api/manage/alerts?state=closed');
        expect(bad.status).toBe(400);
        expect(bad.body).toMatchObject({ error: { code: 'validation_failed' } });
    });

    it('a resolved condition that comes back raises a new alert', async () => {
        const services = await h.services();
        const condition = input();
        const first = await raiseAlert(services, condition, { retry: FAST });
        const resolved = await resolveAlert(services, condition.key, 'cleared');
        expect(resolved).toMatchObject({ id: first.alert.id, state: 'resolved', resolution: 'cleared' });
        const again = await raiseAlert(services, condition, { retry: FAST });
        expect(again.raised).toBe(true);
        expect(again.alert.id).not.toBe(first.alert.id);
        const resolvedList = (
            (await h.api('GET', '/api/manage/alerts?state=resolved')).body as { value: AlertRecord[] }
        ).value;
        expect(resolvedList.map((a) => a.id)).toContain(first.alert.id);
    });

    it('purges resolved alerts after the retention period, never open ones', async () => {
        const services = await h.services();
        const resolved = input();
        const { alert: gone } = await raiseAlert(services, resolved, { retry: FAST });
        await resolveAlert(services, resolved.key, 'cleared');
        const { alert: kept } = await raiseAlert(services, input(), { retry: FAST });
        expect(await purgeResolvedAlerts(services, new Date(Date.now() + 89 * 86_400_000))).toBe(0);
        expect(await purgeResolvedAlerts(services, new Date(Date.now() + 91 * 86_400_000))).toBeGreaterThanOrEqual(1);
        const ids = ((await h.api('GET', '/api/manage/alerts?state=all')).body as { value: AlertRecord[] }).value.map(
            (a) => a.id,
        );
        expect(ids).not.toContain(gone.id);
        expect(ids).toContain(kept.id);
        // The purged condition can be raised again.
        expect((await raiseAlert(services, resolved, { retry: FAST })).raised).toBe(true);
    });

    it('retries a failing webhook within bounds and records the attempts', async () => {
        hook.failNext = 2;
        const { alert } = await raiseAlert(await h.services(), input(), { retry: FAST });
        expect(alert.delivery).toMatchObject({ state: 'delivered', attempts: 3 });
        expect(hook.received.map((r) => r.headers['x-delivery-attempt'])).toEqual(['1', '2', '3']);
        // Each attempt is signed afresh (its own timestamp), and each verifies.
        const key = (await (await h.services()).secrets.getSecret(WEBHOOK_SIGNING_KEY_SECRET)).value!;
        for (const r of hook.received)
            expect(verifySignature(String(r.headers['x-signature']), r.body, key)).toBe(true);
    });

    // Hostile receipts the platform's verification (verifySignature, the reference) must refuse.
    it('a signature verifies only for its body, its key and within the 5-minute window: a replay later fails', async () => {
        await raiseAlert(await h.services(), input(), { retry: FAST });
        const { headers, body } = hook.received[0]!;
        const key = (await (await h.services()).secrets.getSecret(WEBHOOK_SIGNING_KEY_SECRET)).value!;
        const signature = String(headers['x-signature']);
        const t = Number(/t=(\d+)/.exec(signature)![1]);
        const at = (seconds: number) => new Date((t + seconds) * 1000);
        const cases: [string, string | undefined, string, Date, boolean][] = [
            ['as received', signature, body, at(0), true],
            ['at the edge of the window', signature, body, at(SIGNATURE_TOLERANCE_SECONDS), true],
            ['replayed after the window', signature, body, at(SIGNATURE_TOLERANCE_SECONDS + 1), false],
            ['from the future', signature, body, at(-SIGNATURE_TOLERANCE_SECONDS - 1), false],
            ['with a tampered body', signature, body.replace('"open"', '"resolved"'), at(0), false],
            ['with the timestamp moved forward', signature.replace(`t=${t}`, `t=${t + 600}`), body, at(600), false],
            [
                'signed over the body only (the old scheme)',
                `t=${t},v1=${createHmac('sha256', key).update(body).digest('hex')}`,
                body,
                at(0),
                false,
            ],
            ['without a timestamp', signature.replace(/^t=\d+,/, ''), body, at(0), false],
            ['missing', undefined, body, at(0), false],
        ];
        for (const [what, header, payload, now, ok] of cases)
            expect({ what, ok: verifySignature(header, payload, key, now) }).toEqual({ what, ok });
    });

    it('a delivery that keeps failing never loses the alert; the daily timer delivers it later', async () => {
        hook.failNext = 3;
        const { alert } = await raiseAlert(await h.services(), input({ title: 'Kept despite the outage' }), {
            retry: FAST,
        });
        expect(hook.received).toHaveLength(3);
        expect(alert.delivery).toMatchObject({ state: 'failed', attempts: 3, lastError: 'HTTP 503' });
        const stored = ((await h.api('GET', '/api/manage/alerts')).body as { value: AlertRecord[] }).value.find(
            (a) => a.id === alert.id,
        );
        expect(stored).toMatchObject({ title: 'Kept despite the outage', delivery: { state: 'failed' } });

        await h.env.host.fireTimer('credentialExpiry');
        const after = ((await h.api('GET', '/api/manage/alerts')).body as { value: AlertRecord[] }).value.find(
            (a) => a.id === alert.id,
        );
        expect(after).toMatchObject({ delivery: { state: 'delivered', attempts: 4 } });
        expect(hook.received.filter((r) => r.headers['x-alert-id'] === alert.id)).toHaveLength(4);
    });
});

describe('alerts: drive health raises and resolves', () => {
    let h: Harness;
    beforeAll(async () => {
        h = await startHarness();
        await h.configure();
    });
    afterAll(() => h.stop());

    it('a drive losing access raises one critical alert with the cause; regaining it resolves the alert', async () => {
        const drive = await h.connectDrive(
            { name: 'Team library', kind: 'sharepoint' },
            h.demo.users.megan.userPrincipalName,
        );
        await h.selectLibrary(drive.id);
        h.graph.setSiteMember(h.content.site.id, h.demo.users.megan.id, undefined);
        try {
            expect(await h.health(drive.id)).toMatchObject({ status: 'access_lost' });
            expect(await h.health(drive.id)).toMatchObject({ status: 'access_lost' });
        } finally {
            h.graph.setSiteMember(h.content.site.id, h.demo.users.megan.id, 'write');
        }
        const open = ((await h.api('GET', '/api/manage/alerts')).body as { value: AlertRecord[] }).value.filter(
            (a) => a.subject.id === drive.id,
        );
        expect(open).toHaveLength(1);
        expect(open[0]).toMatchObject({
            kind: 'drive_access_lost',
            severity: 'critical',
            subject: { type: 'drive', name: 'Team library' },
            hint: expect.stringMatching(/read access/),
            delivery: { state: 'not_configured' },
        });

        expect(await h.health(drive.id)).toMatchObject({ status: 'connected' });
        const all = (
            (await h.api('GET', '/api/manage/alerts?state=all')).body as { value: AlertRecord[] }
        ).value.filter((a) => a.subject.id === drive.id);
        expect(all).toEqual([expect.objectContaining({ id: open[0]!.id, state: 'resolved' })]);
    });
});
