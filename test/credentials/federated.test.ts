import { randomUUID } from 'node:crypto';
import { signJwt, verifyJwtSignature } from '../../dev/m365/entra/jwt';
import { setFederatedTokenSource } from '../../lib/credentials/federatedTokenSource';
import { newSigningKey, startHarness, type Harness } from './harness';

interface Status {
    status: string;
    checkpoints: { id: string; status: string; evidence: string; hint?: string }[];
}

const MI_CLIENT_ID = randomUUID();
const AUDIENCE = 'api://AzureADTokenExchange';

describe('secretless: a managed identity token as the client assertion (federated identity credential)', () => {
    let h: Harness;
    const miKey = newSigningKey();
    const identity = { subject: randomUUID(), issuer: '' };
    const tokenRequests: { audience: string; clientId?: string }[] = [];

    beforeAll(async () => {
        h = await startHarness();
        await h.configure();
        identity.issuer = `https://login.microsoftonline.com/${h.demo.tenantId}/v2.0`;
        // What Azure's managed identity endpoint would return: a JWT for the token-exchange audience.
        setFederatedTokenSource(await h.services(), async (audience, clientId) => {
            tokenRequests.push({ audience, clientId });
            const now = Math.floor(h.sim.clock.now() / 1000);
            return signJwt(
                { alg: 'RS256', typ: 'JWT', kid: 'mi' },
                {
                    iss: identity.issuer,
                    sub: identity.subject,
                    oid: identity.subject,
                    aud: audience,
                    iat: now,
                    nbf: now,
                    exp: now + 3600,
                },
                miKey.privateKey,
            );
        });
    });
    afterAll(() => h.stop());

    const status = async () => (await h.api('GET', '/api/manage/integration/status?refresh=true')).body as Status;
    const byId = (s: Status, id: string) => s.checkpoints.find((c) => c.id === id);

    /** The federated identity credential an admin adds to the app registration: Entra checks issuer, subject, audience and the signature. */
    function registerFederatedCredential(fic: { issuer: string; subject: string; audience: string }): void {
        h.federated.verifier = (app, jwt) => {
            const aud = Array.isArray(jwt.claims.aud) ? jwt.claims.aud : [jwt.claims.aud];
            const current = typeof jwt.claims.exp === 'number' && jwt.claims.exp * 1000 > h.sim.clock.now();
            const matches =
                app.appId === h.demo.clientId &&
                jwt.claims.iss === fic.issuer &&
                jwt.claims.sub === fic.subject &&
                aud.includes(fic.audience);
            return matches && current && verifyJwtSignature(jwt, miKey.publicKey) ? 'certificate' : undefined;
        };
    }

    it('before the federated credential exists in Entra, refuses it and names the issuer, subject and audience to register', async () => {
        const res = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'federated',
            managedIdentityClientId: MI_CLIENT_ID,
        });
        expect(res.status).toBe(400);
        const error = (res.body as { error: { code: string; hint: string } }).error;
        expect(error.code).toBe('credential_rejected');
        expect(error.hint).toContain(`issuer ${identity.issuer}`);
        expect(error.hint).toContain(`subject identifier ${identity.subject}`);
        expect(error.hint).toContain(`audience ${AUDIENCE}`);
        expect(tokenRequests).toContainEqual({ audience: AUDIENCE, clientId: MI_CLIENT_ID });
    });

    it('with the federated credential registered, adds it as pending; status explains what it trusts', async () => {
        registerFederatedCredential({ issuer: identity.issuer, subject: identity.subject, audience: AUDIENCE });
        const res = await h.api('POST', '/api/manage/integration/credentials', {
            kind: 'federated',
            managedIdentityClientId: MI_CLIENT_ID,
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
            kind: 'federated',
            state: 'pending',
            audience: AUDIENCE,
            managedIdentityClientId: MI_CLIENT_ID,
        });
        expect(res.body).not.toHaveProperty('expiresOn');
        const c = byId(await status(), 'federated_credential');
        expect(c).toMatchObject({ status: 'warn', hint: expect.stringContaining('/promote') });
        expect(c!.evidence).toContain(`issuer ${identity.issuer}, subject ${identity.subject}, audience ${AUDIENCE}`);
    });

    it('promoted, it replaces every secret: sign-in, drive health and status work with no secret in Entra or Key Vault', async () => {
        const { value } = (await h.api('GET', '/api/manage/integration/credentials')).body as {
            value: { id: string; kind: string }[];
        };
        const federated = value.find((c) => c.kind === 'federated')!;
        expect(
            (await h.api('POST', `/api/manage/integration/credentials/${federated.id}/promote`, { graceDays: 0 }))
                .status,
        ).toBe(200);
        expect((await h.api('DELETE', '/api/manage/integration/credentials/initial')).status).toBe(200);
        for (const s of h.sim.entra.getApp(h.demo.tenantId, h.demo.clientId).secrets)
            h.sim.entra.removeClientSecret(h.demo.tenantId, h.demo.clientId, s.keyId);

        const drive = await h.connectDrive(
            { name: 'Adele OneDrive', kind: 'onedrive' },
            h.demo.users.adele.userPrincipalName,
        );
        expect(drive).toMatchObject({ status: 'connected', account: { username: expect.stringMatching(/^AdeleV@/) } });
        expect(await h.health(drive.id)).toMatchObject({ status: 'connected' });

        const s = await status();
        expect(byId(s, 'client_secret')).toMatchObject({
            status: 'pass',
            evidence: expect.stringContaining('nothing expires'),
        });
        expect(byId(s, 'federated_credential')).toMatchObject({ status: 'pass' });
        expect(byId(s, 'key_vault')).toMatchObject({ status: 'pass' });
        expect(s.status).toBe('ok');
    });

    it('when the managed identity changes, status fails with the new subject to register', async () => {
        const previous = identity.subject;
        identity.subject = randomUUID();
        try {
            const c = byId(await status(), 'federated_credential');
            expect(c).toMatchObject({ status: 'fail' });
            expect(c!.hint).toContain(`subject identifier ${identity.subject}`);
        } finally {
            identity.subject = previous;
        }
        expect(byId(await status(), 'federated_credential')).toMatchObject({ status: 'pass' });
    });
});
