import { generateKeyPairSync, createSign } from 'node:crypto';
import { MINUTE } from '../../../dev/m365/clock';
import { GRAPH_SCOPES, REDIRECT_URI, secretClient, signInWithMsal, startFixture, type Fixture } from './simHarness';

/** authenticate(): what Graph accepts as a bearer token. */
describe('access token validation for Graph', () => {
    let fx: Fixture;
    let accessToken: string;
    let idToken: string;
    let expiresAt: number;

    beforeAll(async () => {
        fx = await startFixture();
        const client = secretClient(fx);
        const signedIn = await signInWithMsal(client, fx.adele.userPrincipalName);
        const result = await client.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        accessToken = result.accessToken;
        idToken = result.idToken;
        const auth = fx.sim.authenticate(`Bearer ${accessToken}`);
        if (!auth.ok) throw new Error(auth.message);
        expiresAt = auth.principal.expiresAt;
    });
    afterAll(async () => {
        await fx.sim.stop();
    });

    it('accepts the token until exp on the simulated clock, then rejects it', () => {
        const start = fx.sim.clock.now();
        expect(expiresAt - start).toBeGreaterThanOrEqual(60 * MINUTE - 1000);
        fx.sim.clock.set(expiresAt - 1000);
        expect(fx.sim.authenticate(`Bearer ${accessToken}`).ok).toBe(true);
        fx.sim.clock.set(expiresAt);
        expect(fx.sim.authenticate(`Bearer ${accessToken}`)).toEqual({
            ok: false,
            message: 'Lifetime validation failed, the token is expired.',
        });
        fx.sim.clock.set(start);
    });

    it("rejects a token whose signature is not the simulator's", () => {
        const [header, payload] = accessToken.split('.');
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const forged = `${header}.${payload}.${createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url')}`;
        expect(fx.sim.authenticate(`Bearer ${forged}`)).toEqual({
            ok: false,
            message: 'Access token validation failure.',
        });
    });

    it('rejects a tampered payload', () => {
        const [header, payload, signature] = accessToken.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        const tampered = Buffer.from(JSON.stringify({ ...claims, scp: 'Sites.FullControl.All' })).toString('base64url');
        expect(fx.sim.authenticate(`Bearer ${header}.${tampered}.${signature}`).ok).toBe(false);
    });

    it('rejects a token for another audience (an id token sent to Graph)', () => {
        expect(fx.sim.authenticate(`Bearer ${idToken}`)).toEqual({
            ok: false,
            message: 'Access token validation failure. Invalid audience.',
        });
    });

    it('rejects missing and malformed headers', () => {
        expect(fx.sim.authenticate(undefined)).toEqual({ ok: false, message: 'Access token is empty.' });
        expect(fx.sim.authenticate('Basic abc')).toEqual({ ok: false, message: 'Access token is empty.' });
        expect(fx.sim.authenticate('Bearer not-a-jwt').ok).toBe(false);
    });

    it('rejects a token once its tenant is gone', () => {
        fx.sim.reset();
        expect(fx.sim.authenticate(`Bearer ${accessToken}`)).toEqual({
            ok: false,
            message: 'Access token validation failure. Invalid issuer.',
        });
    });
});
