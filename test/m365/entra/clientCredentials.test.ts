import { X509Certificate } from 'node:crypto';
import { DAY } from '../../../dev/m365/clock';
import { caught, jwtClaims, makeCertificate, msalClient, secretClient, startFixture, type Fixture } from './simHarness';

const GRAPH_DEFAULT = ['https://graph.microsoft.com/.default'];

describe('Entra client credentials with msal-node', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture();
    });
    afterAll(async () => {
        jest.useRealTimers();
        await fx.sim.stop();
    });

    it('issues an app-only Graph token whose roles are the granted application permissions', async () => {
        const result = await secretClient(fx).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
        expect(result?.accessToken).toBeTruthy();
        const claims = jwtClaims(result!.accessToken);
        expect(claims).toMatchObject({
            aud: 'https://graph.microsoft.com',
            tid: fx.tenant.id,
            appid: fx.app.appId,
            roles: ['Sites.Selected'],
            idtyp: 'app',
            appidacr: '1',
        });
        expect(claims.scp).toBeUndefined();
        expect(fx.sim.authenticate(`Bearer ${result!.accessToken}`)).toEqual({
            ok: true,
            principal: expect.objectContaining({
                kind: 'application',
                roles: ['Sites.Selected'],
                scopes: [],
                appId: fx.app.appId,
            }),
        });
    });

    it('refuses a scope without /.default (AADSTS1002012)', async () => {
        const error = await caught(() =>
            secretClient(fx).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/Files.Read.All'] }),
        );
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_scope', errorNo: 1002012 });
        expect(error.errorMessage).toContain(
            'AADSTS1002012: The provided value for scope https://graph.microsoft.com/Files.Read.All is not valid.',
        );
    });

    it('refuses an unknown resource (AADSTS500011)', async () => {
        const error = await caught(() =>
            secretClient(fx).acquireTokenByClientCredential({ scopes: ['https://vault.azure.net/.default'] }),
        );
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_resource', errorNo: 500011 });
    });

    it('accepts a certificate client assertion with an x5t#S256 thumbprint (PS256)', async () => {
        const now = new Date(fx.sim.clock.now());
        const cert = makeCertificate(new Date(now.getTime() - DAY), new Date(now.getTime() + 365 * DAY));
        const credential = fx.sim.entra.addCertificate(fx.tenant.id, fx.app.appId, {
            certificatePem: cert.certificatePem,
        });
        const client = msalClient(fx.sim, fx.tenant.id, fx.app.appId, {
            clientId: fx.app.appId,
            clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: cert.privateKeyPem },
        });
        const result = await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
        expect(jwtClaims(result!.accessToken)).toMatchObject({ appid: fx.app.appId, appidacr: '2' });
    });

    it('accepts a legacy x5t (SHA-1) assertion (RS256)', async () => {
        const now = new Date(fx.sim.clock.now());
        const cert = makeCertificate(new Date(now.getTime() - DAY), new Date(now.getTime() + 365 * DAY));
        const credential = fx.sim.entra.addCertificate(fx.tenant.id, fx.app.appId, {
            certificatePem: cert.certificatePem,
        });
        const client = msalClient(fx.sim, fx.tenant.id, fx.app.appId, {
            clientId: fx.app.appId,
            clientCertificate: { thumbprint: credential.thumbprint, privateKey: cert.privateKeyPem },
        });
        const result = await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
        expect(result?.accessToken).toBeTruthy();
    });

    it('rejects a certificate that is not registered (AADSTS700027)', async () => {
        const now = new Date(fx.sim.clock.now());
        const cert = makeCertificate(new Date(now.getTime() - DAY), new Date(now.getTime() + DAY));
        const thumbprintSha256 = new X509Certificate(cert.certificatePem).fingerprint256.replace(/:/g, '');
        const client = msalClient(fx.sim, fx.tenant.id, fx.app.appId, {
            clientId: fx.app.appId,
            clientCertificate: { thumbprintSha256, privateKey: cert.privateKeyPem },
        });
        const error = await caught(() => client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT }));
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', errorNo: 700027 });
        expect(error.errorMessage).toContain('The key was not found.');
    });

    it('rejects an assertion signed by a different key than the registered certificate (AADSTS700027)', async () => {
        const now = new Date(fx.sim.clock.now());
        const registered = makeCertificate(new Date(now.getTime() - DAY), new Date(now.getTime() + DAY));
        const impostor = makeCertificate(new Date(now.getTime() - DAY), new Date(now.getTime() + DAY));
        const credential = fx.sim.entra.addCertificate(fx.tenant.id, fx.app.appId, {
            certificatePem: registered.certificatePem,
        });
        const client = msalClient(fx.sim, fx.tenant.id, fx.app.appId, {
            clientId: fx.app.appId,
            clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: impostor.privateKeyPem },
        });
        const error = await caught(() => client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT }));
        expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 700027 });
        expect(error.errorMessage).toContain('did not match the expected signature value');
    });

    it('rejects an expired certificate once both clocks pass its end date (AADSTS700027)', async () => {
        const now = fx.sim.clock.now();
        const cert = makeCertificate(new Date(now - DAY), new Date(now + DAY));
        const credential = fx.sim.entra.addCertificate(fx.tenant.id, fx.app.appId, {
            certificatePem: cert.certificatePem,
        });
        jest.useFakeTimers({
            doNotFake: [
                'nextTick',
                'setImmediate',
                'clearImmediate',
                'setTimeout',
                'clearTimeout',
                'setInterval',
                'clearInterval',
                'queueMicrotask',
                'hrtime',
                'performance',
            ],
            now,
        });
        fx.sim.clock.advance(2 * DAY);
        jest.setSystemTime(fx.sim.clock.now());
        const client = msalClient(fx.sim, fx.tenant.id, fx.app.appId, {
            clientId: fx.app.appId,
            clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: cert.privateKeyPem },
        });
        const error = await caught(() => client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT }));
        jest.useRealTimers();
        expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', errorNo: 700027 });
        expect(error.errorMessage).toContain('The key used is expired.');
    });
});
