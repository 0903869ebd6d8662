import type { CredentialView } from '../../lib/credentials/credentialView';
import { runDailyCredentialChecks } from '../../lib/credentials/dailyChecks';
import { deleteCredentialSecrets } from '../../lib/credentials/removeCredentials';
import { requireIntegration } from '../../lib/integration/integrationSettings';
import { DAY, startHarness, type Harness } from './harness';

const HOUR = 3_600_000;

interface Listing {
    activeCredentialId: string;
    value: CredentialView[];
}

describe('credential rotation with overlap: no drive reconnects', () => {
    let h: Harness;
    const drives: string[] = [];
    beforeAll(async () => {
        h = await startHarness();
        expect((await h.configure()).status).toBe(201);
        drives.push(
            (await h.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, h.demo.users.adele.userPrincipalName))
                .id,
        );
        const library = await h.connectDrive(
            { name: 'Intranet', kind: 'sharepoint' },
            h.demo.users.megan.userPrincipalName,
        );
        expect((await h.selectLibrary(library.id)).status).toBe('connected');
        drives.push(library.id);
    });
    afterAll(() => h.stop());
    afterEach(() => jest.useRealTimers());

    const list = async () => (await h.api('GET', '/api/manage/integration/credentials')).body as Listing;
    const newEntraSecret = (days = 365) =>
        h.sim.entra.addClientSecret(h.demo.tenantId, h.demo.clientId, {
            displayName: 'rotation',
            endDateTime: h.sim.clock.now() + days * DAY,
        });
    const expiresOn = (days: number) => new Date(Date.now() + days * DAY).toISOString();

    /** Moves both clocks (ours and the simulator's) past the access tokens' lifetime: MSAL must refresh. */
    function afterTokenExpiry(): void {
        const later = h.sim.clock.now() + 2 * HOUR;
        h.sim.clock.set(later);
        jest.useFakeTimers({
            now: later,
            doNotFake: [
                'nextTick',
                'setImmediate',
                'setTimeout',
                'setInterval',
                'clearTimeout',
                'clearInterval',
                'clearImmediate',
                'queueMicrotask',
                'hrtime',
                'performance',
            ],
        });
    }

    async function tokenCacheRows(): Promise<string[]> {
        const table = await (await h.services()).tables.get('tokenCache');
        const keys: string[] = [];
        for await (const row of table.listEntities()) keys.push(`${row.partitionKey}/${row.rowKey}`);
        return keys.sort();
    }

    it('lists the initial secret as the active credential, metadata only', async () => {
        const res = await h.api('GET', '/api/manage/integration/credentials');
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(h.demo.clientSecret);
        expect(res.body).toMatchObject({
            activeCredentialId: 'initial',
            value: [
                {
                    id: 'initial',
                    kind: 'client_secret',
                    state: 'active',
                    hint: h.demo.clientSecret.slice(0, 3),
                    daysToExpiry: expect.any(Number),
                },
            ],
        });
    });

    it('rejects a wrong secret before storing it, with AADSTS7000215 and the "Value, not the ID" hint', async () => {
        const res = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'client_secret',
            value: 'Wrong8Q~notTheRealSecretValue0123456789abc',
            expiresOn: expiresOn(300),
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
            error: {
                code: 'credential_rejected',
                message: expect.stringContaining('AADSTS7000215'),
                hint: expect.stringMatching(/Value, not its Secret ID/),
                details: [{ field: 'value', code: 'AADSTS7000215' }],
            },
        });
        expect((await list()).value).toHaveLength(1);
        const names: string[] = [];
        for await (const p of (await h.services()).secrets.listPropertiesOfSecrets()) names.push(p.name);
        expect(names.filter((n) => n.includes('-credential-'))).toEqual([]);
    });

    it('refuses a pasted Secret ID (a GUID) as a field error', async () => {
        const secretId = h.sim.entra.getApp(h.demo.tenantId, h.demo.clientId).secrets[0]!.keyId;
        const res = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'client_secret',
            value: secretId,
            expiresOn: expiresOn(300),
        });
        expect(res.body).toMatchObject({
            error: { code: 'validation_failed', details: [{ field: 'value', code: 'secret_id_not_value' }] },
        });
    });

    it('adds, promotes and retires a secret while drives stay connected and token caches untouched', async () => {
        const cachesBefore = await tokenCacheRows();
        expect(cachesBefore.length).toBeGreaterThanOrEqual(2);
        const fresh = newEntraSecret();
        const added = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'client_secret',
            value: fresh.secretText,
            expiresOn: expiresOn(300),
            displayName: 'Q3 rotation',
        });
        expect(added.status).toBe(201);
        expect(added.text).not.toContain(fresh.secretText);
        const credential = added.body as CredentialView & { secretName: string; version: string; expiresOn: string };
        expect(credential).toMatchObject({
            kind: 'client_secret',
            state: 'pending',
            hint: fresh.secretText.slice(0, 3),
            displayName: 'Q3 rotation',
        });
        const stored = await (
            await h.services()
        ).secrets.getSecret(credential.secretName, { version: credential.version });
        expect(stored.value).toBe(fresh.secretText);
        expect(stored.properties.expiresOn?.toISOString()).toBe(credential.expiresOn);
        expect(stored.properties.tags).toMatchObject({ kind: 'client-secret', credentialId: credential.id });
        // Pending: the initial secret still serves every token request.
        expect((await list()).activeCredentialId).toBe('initial');

        const promoted = await h.api('POST', `/api/manage/integration/credentials/${credential.id}/promote`, {
            graceDays: 3,
        });
        expect(promoted.status).toBe(200);
        expect(promoted.body).toMatchObject({ id: credential.id, state: 'active' });
        const afterPromote = await list();
        expect(afterPromote.activeCredentialId).toBe(credential.id);
        expect(afterPromote.value.find((c) => c.id === 'initial')).toMatchObject({
            state: 'retiring',
            retireAfter: expect.any(String),
        });

        // Entra forgets the old secret: from now on only the promoted one can refresh anything.
        const old = h.sim.entra
            .getApp(h.demo.tenantId, h.demo.clientId)
            .secrets.find((s) => s.secretText === h.demo.clientSecret)!;
        h.sim.entra.removeClientSecret(h.demo.tenantId, h.demo.clientId, old.keyId);
        afterTokenExpiry();
        const since = h.sim.clock.now();
        for (const id of drives) expect(await h.health(id)).toMatchObject({ id, status: 'connected' });
        // Each account redeemed its refresh token with the promoted secret (the old one no longer exists).
        const refreshed = h.sim.requests.filter('POST', /\/oauth2\/v2\.0\/token$/).filter((r) => r.at >= since);
        expect(refreshed.map((r) => r.status)).toEqual([200, 200]);
        expect(await tokenCacheRows()).toEqual(cachesBefore);

        const status = await h.api('GET', '/api/manage/integration/status?refresh=true');
        const secretCheck = (
            status.body as { checkpoints: { id: string; status: string; evidence: string }[] }
        ).checkpoints.find((c) => c.id === 'client_secret');
        expect(secretCheck).toMatchObject({
            status: 'pass',
            evidence: expect.stringContaining(`${fresh.secretText.slice(0, 3)}…`),
        });
    });

    it('retires the old secret on DELETE (its Key Vault version disabled), never the active one', async () => {
        const { activeCredentialId } = await list();
        const refused = await h.api('DELETE', `/api/manage/integration/credentials/${activeCredentialId}`);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ error: { code: 'credential_active' } });

        const retired = await h.api('DELETE', '/api/manage/integration/credentials/initial');
        expect(retired.body).toMatchObject({ id: 'initial', state: 'retired' });
        // Still listed, as retired, like every other credential (the history keeps it).
        expect((await list()).value.map((c) => [c.id, c.state])).toEqual([
            [activeCredentialId, 'active'],
            ['initial', 'retired'],
        ]);
        const versions = [];
        for await (const p of (await h.services()).secrets.listPropertiesOfSecretVersions(
            'integration-default-client-secret',
        ))
            versions.push(p);
        expect(versions.every((v) => v.enabled === false)).toBe(true);
        const view = (await h.api('GET', '/api/manage/integration')).body;
        expect(view).toMatchObject({
            clientSecret: { configured: false },
            activeCredential: { id: activeCredentialId, kind: 'client_secret' },
        });
        // Saving unrelated settings still works without the initial secret.
        const {
            clientSecret: _s,
            clientSecretExpiresOn: _e,
            ...rest
        } = { tenantId: h.demo.tenantId, clientId: h.demo.clientId, clientSecret: '', clientSecretExpiresOn: '' };
        expect(
            (
                await h.api('PUT', '/api/manage/integration', {
                    ...rest,
                    redirectUri: 'https://localhost:7071/oauth2/sharepoint/callback',
                })
            ).status,
        ).toBe(200);
        for (const id of drives) expect(await h.health(id)).toMatchObject({ status: 'connected' });
    });

    it('the daily timer retires a credential whose grace period ended (Key Vault secret deleted)', async () => {
        const services = await h.services();
        const first = (await list()).activeCredentialId;
        const secret = newEntraSecret();
        const added = (
            await h.api('POST', '/api/manage/integration/credentials', {
                kind: 'client_secret',
                value: secret.secretText,
                expiresOn: expiresOn(300),
            })
        ).body as CredentialView & { secretName: string };
        await h.api('POST', `/api/manage/integration/credentials/${added.id}/promote`, { graceDays: 1 });
        const retiring = (await list()).value.find((c) => c.id === first) as CredentialView & { secretName: string };
        expect(retiring.state).toBe('retiring');

        expect((await runDailyCredentialChecks(services, new Date(Date.now() + 0.5 * DAY))).retired).toEqual([]);
        const result = await runDailyCredentialChecks(services, new Date(Date.now() + 1.5 * DAY));
        expect(result.retired).toEqual([`default/${first}`]);
        expect((await list()).value.find((c) => c.id === first)).toMatchObject({
            state: 'retired',
            retiredAt: expect.any(String),
        });
        await expect(services.secrets.getSecret(retiring.secretName)).rejects.toMatchObject({ statusCode: 404 });
        for (const id of drives) expect(await h.health(id)).toMatchObject({ status: 'connected' });
    });

    it("removing the integration can delete every added credential's secret", async () => {
        const services = await h.services();
        const { activeCredentialId, value } = await list();
        const active = value.find((c) => c.id === activeCredentialId) as CredentialView & { secretName: string };
        expect(await deleteCredentialSecrets(services, await requireIntegration(services))).toEqual([
            active.secretName,
        ]);
        await expect(services.secrets.getSecret(active.secretName)).rejects.toMatchObject({ statusCode: 404 });
    });

    it('a secret sent with PUT is used at once; the rotated-in credential steps aside to retire later', async () => {
        const before = (await list()).activeCredentialId;
        const secret = newEntraSecret();
        const put = await h.configure({ clientSecret: secret.secretText, clientSecretExpiresOn: expiresOn(200) });
        expect(put.body).toMatchObject({ changed: ['clientSecret'], activeCredential: { id: 'initial' } });
        const after = await list();
        expect(after.activeCredentialId).toBe('initial');
        expect(after.value.find((c) => c.id === before)).toMatchObject({
            state: 'retiring',
            retireAfter: expect.any(String),
        });
        for (const id of drives) expect(await h.health(id)).toMatchObject({ status: 'connected' });
    });
});
