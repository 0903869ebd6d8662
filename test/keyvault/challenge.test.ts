import type { KeyVaultDouble } from '../../dev/keyvault/keyVaultDouble';
import { rawRequest, startTrustedVault, TENANT_ID } from './vaultFixture';

const BEARER = { authorization: 'Bearer anything-non-empty' };

describe('Key Vault double: the HTTP surface under the SDK', () => {
    let vault: KeyVaultDouble;
    beforeAll(async () => {
        vault = await startTrustedVault({ tenantId: TENANT_ID });
    });
    afterAll(() => vault.stop());

    it('challenges a request without a bearer token: 401, WWW-Authenticate with the tenant authority and vault resource', async () => {
        const res = await rawRequest(`${vault.url}/secrets/anything?api-version=2025-07-01`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ value: 'x' }),
        });

        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe(
            `Bearer authorization="https://login.microsoftonline.com/${TENANT_ID}", resource="https://vault.azure.net"`,
        );
        expect(res.json).toEqual({
            error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
        });
    });

    it('challenges a non-bearer Authorization header too', async () => {
        const res = await rawRequest(`${vault.url}/secrets?api-version=7.6`, {
            headers: { authorization: 'Basic dXNlcjpwYXNz' },
        });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toContain('resource="https://vault.azure.net"');
    });

    it('requires a recognised api-version', async () => {
        const missing = await rawRequest(`${vault.url}/secrets`, { headers: BEARER });
        expect(missing.status).toBe(400);
        expect(missing.json).toMatchObject({ error: { code: 'BadParameter' } });

        const unknown = await rawRequest(`${vault.url}/secrets?api-version=7.9`, { headers: BEARER });
        expect(unknown.status).toBe(400);
        expect(unknown.json).toEqual({
            error: {
                code: 'BadParameter',
                message:
                    'The specified version (7.9) is not recognized. Consider using the latest supported version (2025-07-01).',
            },
        });
    });

    it('sends Key Vault’s wire shapes: Unix-second attributes, no value in listings, nextLink null on the last page', async () => {
        const put = await rawRequest(`${vault.url}/secrets/wire-shape?api-version=7.5`, {
            method: 'PUT',
            headers: { ...BEARER, 'content-type': 'application/json', 'x-ms-client-request-id': 'corr-1' },
            body: JSON.stringify({ value: 'v', attributes: { exp: 1_900_000_000 } }),
        });
        expect(put.status).toBe(200);
        expect(put.headers['x-ms-client-request-id']).toBe('corr-1');
        expect(put.json).toEqual({
            value: 'v',
            id: expect.stringMatching(new RegExp(`^https://localhost:\\d+/secrets/wire-shape/[0-9a-f]{32}$`)),
            attributes: {
                enabled: true,
                exp: 1_900_000_000,
                created: expect.any(Number),
                updated: expect.any(Number),
                recoveryLevel: 'Recoverable+Purgeable',
                recoverableDays: 90,
            },
        });

        const list = await rawRequest(`${vault.url}/secrets/wire-shape/versions?api-version=7.5&maxresults=25`, {
            headers: BEARER,
        });
        expect(list.json).toEqual({
            value: [{ id: (put.json as { id: string }).id, attributes: expect.any(Object) }],
            nextLink: null,
        });
    });

    it('refuses maxresults outside 1-25 and malformed bodies with 400 BadParameter', async () => {
        const tooMany = await rawRequest(`${vault.url}/secrets?api-version=7.5&maxresults=26`, { headers: BEARER });
        expect(tooMany.status).toBe(400);
        const notJson = await rawRequest(`${vault.url}/secrets/x?api-version=7.5`, {
            method: 'PUT',
            headers: BEARER,
            body: '{value',
        });
        expect(notJson.status).toBe(400);
        expect(notJson.json).toMatchObject({ error: { code: 'BadParameter' } });
        const noValue = await rawRequest(`${vault.url}/secrets/x?api-version=7.5`, {
            method: 'PUT',
            headers: BEARER,
            body: '{"attributes":{}}',
        });
        expect(noValue.status).toBe(400);
    });
});
