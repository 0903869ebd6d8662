import type { AlertRecord } from '../../lib/alerts';
import { runDailyCredentialChecks } from '../../lib/credentials/dailyChecks';
import { expiryThreshold } from '../../lib/credentials/expiryAlerts';
import { DAY, startHarness, type Harness } from './harness';

describe('expiryThreshold', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    it.each([
        [31, undefined],
        [30, 30],
        [14.5, 30],
        [14, 14],
        [7.2, 14],
        [7, 7],
        [1.5, 7],
        [0.4, 1],
        [0, 'expired'],
        [-3, 'expired'],
    ])('%s days left → %s', (days, expected) => {
        expect(expiryThreshold(now + days * DAY, now)).toBe(expected);
    });
});

describe('daily expiry alerts for credentials in Key Vault', () => {
    let h: Harness;
    let expiresOn: number;
    beforeAll(async () => {
        h = await startHarness();
        await h.configure();
        expiresOn = Date.parse(h.demo.clientSecretExpiresOn);
    });
    afterAll(() => h.stop());

    const credentialAlerts = async (state = 'all') =>
        ((await h.api('GET', `/api/manage/alerts?state=${state}`)).body as { value: AlertRecord[] }).value.filter(
            (a) => a.subject.type === 'credential',
        );
    const runAt = async (msBeforeExpiry: number) =>
        runDailyCredentialChecks(await h.services(), new Date(expiresOn - msBeforeExpiry));

    it('stays quiet more than 30 days out', async () => {
        expect((await runAt(31 * DAY)).alertsRaised).toBe(0);
        expect(await credentialAlerts()).toEqual([]);
    });

    it('alerts once per threshold (30, 14, 7, 1, expired); a nearer threshold supersedes the farther one', async () => {
        const steps: [number, string, string][] = [
            [29.5 * DAY, 'info', 'credential_expiring'],
            [13 * DAY, 'warning', 'credential_expiring'],
            [6 * DAY, 'warning', 'credential_expiring'],
            [0.5 * DAY, 'critical', 'credential_expiring'],
            [-1 * DAY, 'critical', 'credential_expired'],
        ];
        for (const [before, severity, kind] of steps) {
            expect((await runAt(before)).alertsRaised).toBe(1);
            expect((await runAt(before - 60_000)).alertsRaised).toBe(0); // the next run raises nothing new
            const open = await credentialAlerts('open');
            expect(open).toHaveLength(1);
            expect(open[0]).toMatchObject({
                severity,
                kind,
                subject: { id: 'initial' },
                hint: expect.stringContaining('/api/manage/integration/credentials'),
            });
        }
        const all = await credentialAlerts();
        expect(all).toHaveLength(5);
        expect(new Set(all.map((a) => a.key)).size).toBe(5);
        expect(all.map((a) => a.key.split(':').pop()).sort()).toEqual(['1', '14', '30', '7', 'expired']);
        expect(all.filter((a) => a.state === 'resolved')).toHaveLength(4);
    });

    it("reads the expiry from Key Vault, not from the service's copy", async () => {
        const services = await h.services();
        const record = (await h.api('GET', '/api/manage/integration/credentials')).body as {
            value: { secretName: string; version: string }[];
        };
        const { secretName, version } = record.value[0]!;
        // Someone extends the secret's recorded expiry in the vault (e.g. after checking Entra).
        await services.secrets.updateSecretProperties(secretName, version, {
            expiresOn: new Date(expiresOn + 100 * DAY),
        });
        await runAt(-1 * DAY);
        expect(await credentialAlerts('open')).toEqual([]);
        await services.secrets.updateSecretProperties(secretName, version, { expiresOn: new Date(expiresOn) });
    });

    it("rotation clears the old credential's alerts; the new one raises none until its own thresholds", async () => {
        await runAt(3 * DAY);
        expect(await credentialAlerts('open')).toEqual([
            expect.objectContaining({
                key: expect.stringContaining(':7'),
                subject: expect.objectContaining({ id: 'initial' }),
            }),
        ]);
        const fresh = h.sim.entra.addClientSecret(h.demo.tenantId, h.demo.clientId, {
            endDateTime: h.sim.clock.now() + 400 * DAY,
        });
        const added = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'client_secret',
            value: fresh.secretText,
            expiresOn: new Date(Date.now() + 400 * DAY).toISOString(),
        });
        expect(added.status).toBe(201);
        const id = (added.body as { id: string }).id;
        expect((await h.api('POST', `/api/manage/integration/credentials/${id}/promote`)).status).toBe(200);

        const open = await credentialAlerts('open');
        expect(open).toEqual([]);
        const rotated = (await credentialAlerts()).find((a) => a.key.endsWith(':7'));
        expect(rotated).toMatchObject({ state: 'resolved', resolution: expect.stringContaining('Rotated') });
        expect((await runAt(2 * DAY)).alertsRaised).toBe(0);
        expect(await credentialAlerts('open')).toEqual([]);
    });

    it('the registered daily timer runs the same checks', async () => {
        await expect(h.env.host.fireTimer('credentialExpiry')).resolves.toBeUndefined();
    });
});
