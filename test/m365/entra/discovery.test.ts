import { startFixture, type Fixture } from './simHarness';

/** The metadata MSAL reads before anything else. */
describe('Entra discovery endpoints', () => {
    let fx: Fixture;

    beforeAll(async () => {
        fx = await startFixture();
    });
    afterAll(async () => {
        await fx.sim.stop();
    });

    it("publishes the tenant's OpenID configuration with GUID endpoints, by id or by domain", async () => {
        for (const name of [fx.tenant.id, 'fabrikam.onmicrosoft.com', 'FABRIKAM.onmicrosoft.com']) {
            const config = (await (
                await fetch(`${fx.sim.authorityHost}/${name}/v2.0/.well-known/openid-configuration`)
            ).json()) as Record<string, unknown>;
            expect(config).toMatchObject({
                issuer: `${fx.sim.authorityHost}/${fx.tenant.id}/v2.0`,
                authorization_endpoint: `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/authorize`,
                token_endpoint: `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/token`,
                jwks_uri: `${fx.sim.authorityHost}/${fx.tenant.id}/discovery/v2.0/keys`,
                end_session_endpoint: `${fx.sim.authorityHost}/${fx.tenant.id}/oauth2/v2.0/logout`,
            });
        }
    });

    it('uses the {tenantid} issuer template for common and organizations', async () => {
        const config = (await (
            await fetch(`${fx.sim.authorityHost}/organizations/v2.0/.well-known/openid-configuration`)
        ).json()) as Record<string, unknown>;
        expect(config.issuer).toBe(`${fx.sim.authorityHost}/{tenantid}/v2.0`);
        expect(config.token_endpoint).toBe(`${fx.sim.authorityHost}/organizations/oauth2/v2.0/token`);
    });

    it('answers an unknown tenant with 400 invalid_tenant AADSTS90002', async () => {
        const response = await fetch(
            `${fx.sim.authorityHost}/nosuchtenant.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
        );
        expect(response.status).toBe(400);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
        expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nosuchtenant\.onmicrosoft\.com' not found\./);
    });

    it('publishes the signing key as an RSA JWK with an x5c certificate', async () => {
        const { keys } = (await (
            await fetch(`${fx.sim.authorityHost}/${fx.tenant.id}/discovery/v2.0/keys`)
        ).json()) as { keys: Record<string, unknown>[] };
        expect(keys).toHaveLength(1);
        expect(keys[0]).toMatchObject({
            kty: 'RSA',
            use: 'sig',
            e: 'AQAB',
            kid: expect.any(String),
            x5t: keys[0]!.kid,
        });
        const { X509Certificate, createPublicKey } = await import('node:crypto');
        const cert = new X509Certificate(Buffer.from((keys[0]!.x5c as string[])[0]!, 'base64'));
        const jwkKey = createPublicKey({ key: keys[0] as never, format: 'jwk' });
        expect(cert.publicKey.export({ format: 'pem', type: 'spki' })).toBe(
            jwkKey.export({ format: 'pem', type: 'spki' }),
        );
    });
});
