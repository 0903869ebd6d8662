import { X509Certificate } from 'node:crypto';
import { acquireAppGraphToken } from '../../lib/credentials/appOnly/appToken';
import type { CredentialView } from '../../lib/credentials/credentialView';
import { requireIntegration } from '../../lib/integration/integrationSettings';
import { DAY, makeCertificate, startHarness, type Harness } from './harness';

type CertificateView = CredentialView & {
    secretName: string;
    version: string;
    thumbprintSha256: string;
    expiresOn: string;
};

describe('certificate credentials', () => {
    let h: Harness;
    let cert: { certificatePem: string; privateKeyPem: string };
    beforeAll(async () => {
        h = await startHarness();
        await h.configure();
        cert = makeCertificate(new Date(Date.now() - DAY), new Date(Date.now() + 200 * DAY), 'sync-prod');
    });
    afterAll(() => h.stop());

    const add = (body: Record<string, unknown>) =>
        h.api('POST', '/api/manage/integration/credentials', { kind: 'certificate', ...body });

    it('refuses a certificate Entra does not know yet, saying where to upload it', async () => {
        const res = await add(cert);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
            error: { code: 'credential_rejected', hint: expect.stringMatching(/Certificates & secrets/) },
        });
    });

    it('refuses a private key that does not belong to the certificate', async () => {
        const other = makeCertificate(new Date(Date.now() - DAY), new Date(Date.now() + 100 * DAY));
        const res = await add({ certificatePem: cert.certificatePem, privateKeyPem: other.privateKeyPem });
        expect(res.body).toMatchObject({
            error: { code: 'validation_failed', details: [{ field: 'privateKeyPem', code: 'private_key_mismatch' }] },
        });
    });

    it("stores a registered certificate as a PEM secret whose expiry is the certificate's notAfter", async () => {
        const registered = h.sim.entra.addCertificate(h.demo.tenantId, h.demo.clientId, {
            certificatePem: cert.certificatePem,
        });
        const res = await add({ ...cert, displayName: 'prod cert' });
        expect(res.status).toBe(201);
        expect(res.text).not.toMatch(/PRIVATE KEY/);
        const view = res.body as CertificateView;
        const notAfter = new Date(new X509Certificate(cert.certificatePem).validTo);
        expect(view).toMatchObject({
            kind: 'certificate',
            state: 'pending',
            thumbprintSha256: registered.thumbprintSha256,
            subject: 'CN=sync-prod',
            expiresOn: notAfter.toISOString(),
        });
        const stored = await (await h.services()).secrets.getSecret(view.secretName, { version: view.version });
        expect(stored.properties.contentType).toBe('application/x-pem-file');
        expect(stored.properties.expiresOn?.getTime()).toBe(notAfter.getTime());
        expect(stored.value).toMatch(/BEGIN PRIVATE KEY[\s\S]+BEGIN CERTIFICATE/);
    });

    it('once promoted, signs every token request: code redemption, client credentials, drive health', async () => {
        const { value } = (await h.api('GET', '/api/manage/integration/credentials')).body as {
            value: CertificateView[];
        };
        const certificate = value.find((c) => c.kind === 'certificate')!;
        expect(
            (await h.api('POST', `/api/manage/integration/credentials/${certificate.id}/promote`, { graceDays: 0 }))
                .status,
        ).toBe(200);
        // Without the secret in Entra, only the certificate can authenticate the app.
        expect((await h.api('DELETE', '/api/manage/integration/credentials/initial')).status).toBe(200);
        for (const s of h.sim.entra.getApp(h.demo.tenantId, h.demo.clientId).secrets)
            h.sim.entra.removeClientSecret(h.demo.tenantId, h.demo.clientId, s.keyId);

        const drive = await h.connectDrive(
            { name: 'Intranet', kind: 'sharepoint' },
            h.demo.users.megan.userPrincipalName,
        );
        expect((await h.selectLibrary(drive.id)).status).toBe('connected');
        expect(await h.health(drive.id)).toMatchObject({ status: 'connected' });

        const services = await h.services();
        const token = await acquireAppGraphToken(services, await requireIntegration(services), { fresh: true });
        expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({
            appid: h.demo.clientId,
            appidacr: '2',
        });

        const status = (await h.api('GET', '/api/manage/integration/status?refresh=true')).body as {
            checkpoints: { id: string; status: string; evidence: string }[];
        };
        expect(status.checkpoints.find((c) => c.id === 'client_secret')).toMatchObject({
            status: 'pass',
            evidence: expect.stringContaining('certificate'),
        });
        expect(status.checkpoints.find((c) => c.id === 'key_vault')).toMatchObject({
            status: 'pass',
            evidence: expect.stringContaining(certificate.secretName),
        });
    });

    it('is tracked for expiry like a secret', async () => {
        const { runDailyCredentialChecks } = await import('../../lib/credentials/dailyChecks');
        const { value } = (await h.api('GET', '/api/manage/integration/credentials')).body as {
            value: CertificateView[];
        };
        const certificate = value.find((c) => c.kind === 'certificate' && c.state === 'active')!;
        const result = await runDailyCredentialChecks(
            await h.services(),
            new Date(Date.parse(certificate.expiresOn) - 10 * DAY),
        );
        expect(result.alertsRaised).toBe(1);
        const alerts = (
            (await h.api('GET', '/api/manage/alerts')).body as {
                value: { kind: string; title: string; subject: { id: string } }[];
            }
        ).value;
        expect(alerts).toEqual([
            expect.objectContaining({
                kind: 'credential_expiring',
                title: 'The certificate expires in 14 days',
                subject: expect.objectContaining({ id: certificate.id }),
            }),
        ]);
    });
});
