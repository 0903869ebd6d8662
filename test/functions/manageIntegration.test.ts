import { randomUUID } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import { createSecretClient } from '../../lib/secrets/secretClient';
import { startServiceEnvironment, ServiceEnvironment } from '../support/serviceEnvironment';

const SECRET = 'Abc8Q~realLookingSecretValue.0123456789xyz';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

function validBody(overrides: Record<string, unknown> = {}) {
    return {
        tenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: SECRET,
        clientSecretExpiresOn: inAYear(),
        ...overrides,
    };
}

describe('/api/manage/integration', () => {
    let env: ServiceEnvironment;
    let vault: SecretClient;
    beforeAll(async () => {
        env = await startServiceEnvironment();
        vault = await createSecretClient({
            keyVault: { url: env.vault.url, disableChallengeResourceVerification: true },
            credential: { kind: 'dev' },
        });
    });
    afterAll(() => env.stop());

    it('is 404 integration_not_configured before any PUT', async () => {
        const res = await env.api('GET', '/api/manage/integration');
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({
            error: { code: 'integration_not_configured', hint: expect.stringContaining('PUT') },
        });
    });

    describe('bad input: 400 with field errors, nothing stored', () => {
        const cases: [string, Record<string, unknown>, string, string][] = [
            ['tenant id not a GUID or domain', { tenantId: 'not a tenant' }, 'tenantId', 'tenant_id_format'],
            ['client id not a GUID', { clientId: 'my-app' }, 'clientId', 'client_id_format'],
            [
                'client id equal to the tenant id',
                { tenantId: '11111111-2222-3333-4444-555555555555', clientId: '11111111-2222-3333-4444-555555555555' },
                'clientId',
                'client_id_is_tenant_id',
            ],
            [
                'secret ID pasted instead of the value',
                { clientSecret: randomUUID() },
                'clientSecret',
                'secret_id_not_value',
            ],
            ['secret with surrounding spaces', { clientSecret: ` ${SECRET} ` }, 'clientSecret', 'secret_spaces'],
            [
                'secret without expiry',
                { clientSecretExpiresOn: undefined },
                'clientSecretExpiresOn',
                'secret_expiry_missing',
            ],
            [
                'expired secret',
                { clientSecretExpiresOn: '2020-01-01T00:00:00Z' },
                'clientSecretExpiresOn',
                'secret_expired',
            ],
            [
                'expiry beyond 24 months',
                { clientSecretExpiresOn: new Date(Date.now() + 800 * 86_400_000).toISOString() },
                'clientSecretExpiresOn',
                'secret_expiry_too_far',
            ],
            ['expiry not a date', { clientSecretExpiresOn: 'next year' }, 'clientSecretExpiresOn', 'invalid_union'],
            [
                'redirect URI over http',
                { redirectUri: 'http://intranet.example.com/oauth2/sharepoint/callback' },
                'redirectUri',
                'redirect_uri_not_https',
            ],
            [
                'redirect URI with trailing slash',
                { redirectUri: 'https://intranet.example.com/oauth2/sharepoint/callback/' },
                'redirectUri',
                'redirect_uri_trailing_slash',
            ],
            [
                'redirect URI with trailing space',
                { redirectUri: 'https://intranet.example.com/oauth2/sharepoint/callback ' },
                'redirectUri',
                'redirect_uri_spaces',
            ],
            [
                'redirect URI with wrong casing',
                { redirectUri: 'https://intranet.example.com/OAuth2/SharePoint/callback' },
                'redirectUri',
                'redirect_uri_path',
            ],
            [
                'redirect URI with wrong path',
                { redirectUri: 'https://intranet.example.com/callback' },
                'redirectUri',
                'redirect_uri_path',
            ],
            [
                'redirect URI with a query',
                { redirectUri: 'https://intranet.example.com/oauth2/sharepoint/callback?x=1' },
                'redirectUri',
                'redirect_uri_query',
            ],
            ['unknown cloud', { cloud: 'mars' }, 'cloud', 'invalid_value'],
            ['scope with spaces', { scopes: ['Files.Read All'] }, 'scopes.0', 'invalid_format'],
            ['unknown property', { clientSecretId: 'x' }, 'clientSecretId', 'unknown_property'],
            ['tenant id of the wrong type', { tenantId: 42 }, 'tenantId', 'invalid_type'],
        ];
        it.each(cases)('%s', async (_name, overrides, field, code) => {
            const res = await env.api('PUT', '/api/manage/integration', { body: validBody(overrides) });
            expect(res.status).toBe(400);
            expect(res.body).toMatchObject({ error: { code: 'validation_failed', hint: expect.any(String) } });
            expect((res.body as { error: { details: unknown[] } }).error.details).toEqual(
                expect.arrayContaining([expect.objectContaining({ field, code })]),
            );
            expect((await env.api('GET', '/api/manage/integration')).status).toBe(404);
        });

        it('refuses a non-JSON content type with 415', async () => {
            const res = await env.api('PUT', '/api/manage/integration', {
                rawBody: 'tenantId=x',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
            });
            expect(res.status).toBe(415);
            expect(res.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
        });

        it('refuses malformed JSON with 400 invalid_json', async () => {
            const res = await env.api('PUT', '/api/manage/integration', {
                rawBody: '{"tenantId": ',
                headers: { 'content-type': 'application/json' },
            });
            expect(res.status).toBe(400);
            expect(res.body).toMatchObject({ error: { code: 'invalid_json' } });
        });

        it('refuses an oversized body with 413', async () => {
            const res = await env.api('PUT', '/api/manage/integration', {
                body: validBody({ scopes: Array(30).fill('x'.repeat(200)), padding: 'y'.repeat(70_000) }),
            });
            expect(res.status).toBe(413);
            expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
        });

        it('refuses a body that is not an object', async () => {
            const res = await env.api('PUT', '/api/manage/integration', { body: [1, 2] });
            expect(res.status).toBe(400);
        });
    });

    describe('saving', () => {
        const body = validBody();

        it('stores the secret in Key Vault with its expiry and tags, and returns only metadata', async () => {
            const res = await env.api('PUT', '/api/manage/integration', {
                body,
                headers: { 'x-platform-user': 'admin@contoso.com' },
            });
            expect(res.status).toBe(201);
            expect(res.text).not.toContain(SECRET);
            expect(res.body).toMatchObject({
                tenantId: body.tenantId,
                clientId: body.clientId,
                cloud: 'global',
                redirectUri: 'http://localhost:7071/oauth2/sharepoint/callback',
                scopes: ['Files.ReadWrite.All', 'Sites.ReadWrite.All', 'User.Read', 'offline_access'],
                clientSecret: {
                    configured: true,
                    hint: 'Abc',
                    fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
                    daysToExpiry: expect.any(Number),
                },
                updatedBy: 'admin@contoso.com',
            });
            const stored = await vault.getSecret('integration-default-client-secret');
            expect(stored.value).toBe(SECRET);
            expect(stored.properties.expiresOn?.toISOString().slice(0, 19)).toBe(
                body.clientSecretExpiresOn.slice(0, 19),
            );
            expect(stored.properties.tags).toMatchObject({
                integrationId: 'default',
                kind: 'client-secret',
                clientId: body.clientId,
            });
        });

        it('GET never returns the secret', async () => {
            const res = await env.api('GET', '/api/manage/integration');
            expect(res.status).toBe(200);
            expect(res.text).not.toContain(SECRET);
            expect(res.body).toMatchObject({ clientSecret: { configured: true } });
        });

        it('is idempotent: the same PUT changes nothing and writes no new secret version', async () => {
            const before = await countVersions(vault);
            const res = await env.api('PUT', '/api/manage/integration', { body });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ changed: [] });
            expect(await countVersions(vault)).toBe(before);
        });

        it('keeps the stored secret when a PUT omits it, and reports what changed', async () => {
            const { clientSecret: _s, clientSecretExpiresOn: _e, ...withoutSecret } = body;
            const res = await env.api('PUT', '/api/manage/integration', {
                body: { ...withoutSecret, redirectUri: 'https://intranet.example.com/oauth2/sharepoint/callback' },
            });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({
                changed: ['redirectUri'],
                clientSecret: { configured: true, hint: 'Abc' },
            });
        });

        it('writes a new Key Vault version when the secret changes', async () => {
            const before = await countVersions(vault);
            const res = await env.api('PUT', '/api/manage/integration', {
                body: { ...body, clientSecret: 'Xyz8Q~anotherSecretValue.9876543210abc' },
            });
            expect(res.body).toMatchObject({ changed: ['clientSecret'], clientSecret: { hint: 'Xyz' } });
            expect(await countVersions(vault)).toBe(before + 1);
        });
    });
});

async function countVersions(vault: SecretClient): Promise<number> {
    let n = 0;
    for await (const _ of vault.listPropertiesOfSecretVersions('integration-default-client-secret')) n++;
    return n;
}
