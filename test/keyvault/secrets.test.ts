import { startVaultFixture, VaultFixture, allPages, restErrorOf, TENANT_ID } from './vaultFixture';

describe('Key Vault double: secrets through the real SecretClient', () => {
    let f: VaultFixture;
    beforeAll(async () => {
        f = await startVaultFixture();
    });
    afterAll(() => f.vault.stop());

    it('answers the challenge, then sets and reads a secret with expiry, not-before, tags and content type', async () => {
        const notBefore = new Date(Date.UTC(2030, 0, 1));
        const expiresOn = new Date(Date.UTC(2030, 6, 1, 12, 0, 0));
        const set = await f.client.setSecret('graph-client-secret', 's3cret~value', {
            expiresOn,
            notBefore,
            contentType: 'text/plain',
            tags: { integrationId: 'default', purpose: 'entra-client-secret' },
        });

        expect(f.credential.requests[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: TENANT_ID });
        expect(set.properties.id).toMatch(
            new RegExp(`^${escape(f.vault.url)}/secrets/graph-client-secret/[0-9a-f]{32}$`),
        );
        expect(set.properties.version).toMatch(/^[0-9a-f]{32}$/);
        expect(set.properties.certificateKeyId).toBeUndefined();

        const got = await f.client.getSecret('graph-client-secret');
        expect(got.value).toBe('s3cret~value');
        expect(got.properties).toMatchObject({
            version: set.properties.version,
            expiresOn,
            notBefore,
            enabled: true,
            contentType: 'text/plain',
            tags: { integrationId: 'default', purpose: 'entra-client-secret' },
            createdOn: new Date(f.clock.nowMs),
            updatedOn: new Date(f.clock.nowMs),
            recoveryLevel: 'Recoverable+Purgeable',
            recoverableDays: 90,
        });
    });

    it('still returns an expired secret: expiry is an attribute, not enforced on reads', async () => {
        await f.client.setSecret('already-expired', 'old', { expiresOn: new Date(f.clock.nowMs - 86_400_000) });
        await expect(f.client.getSecret('already-expired')).resolves.toMatchObject({ value: 'old' });
    });

    it('creates a new version on every set and reads any of them by version', async () => {
        const first = await f.client.setSecret('rotating', 'v1');
        f.clock.advanceDays(1);
        const second = await f.client.setSecret('rotating', 'v2');

        expect(second.properties.version).not.toBe(first.properties.version);
        expect((await f.client.getSecret('rotating')).value).toBe('v2');
        expect((await f.client.getSecret('rotating', { version: first.properties.version! })).value).toBe('v1');
        expect((await f.client.getSecret('ROTATING')).value).toBe('v2');
    });

    it('lists versions with their attributes across several pages, without values', async () => {
        const expiries = [1, 2, 3, 4, 5].map((d) => new Date(Date.UTC(2031, 0, d)));
        const created = [];
        for (const [i, expiresOn] of expiries.entries()) {
            created.push(await f.client.setSecret('many-versions', `value-${i}`, { expiresOn, enabled: i !== 2 }));
        }

        const { items, pageCount } = await allPages(
            f.client.listPropertiesOfSecretVersions('many-versions').byPage({ maxPageSize: 2 }),
        );

        expect(pageCount).toBe(3);
        expect(items).toHaveLength(5);
        for (const c of created) {
            const listed = items.find((p) => p.version === c.properties.version);
            expect(listed).toMatchObject({
                name: 'many-versions',
                expiresOn: c.properties.expiresOn,
                enabled: c.properties.enabled,
                createdOn: c.properties.createdOn,
            });
            expect(listed).not.toHaveProperty('value');
        }
        expect(items.filter((p) => !p.enabled)).toHaveLength(1);
    });

    it('lists secrets by name (one entry each, no version in the id) across pages', async () => {
        const names = ['list-a', 'list-b', 'list-c'];
        for (const name of names) await f.client.setSecret(name, 'x', { tags: { group: 'listing' } });

        const { items, pageCount } = await allPages(f.client.listPropertiesOfSecrets().byPage({ maxPageSize: 1 }));
        const listed = items.filter((p) => p.tags?.group === 'listing');

        expect(pageCount).toBe(items.length);
        expect(listed.map((p) => p.name)).toEqual(names);
        expect(listed.every((p) => p.id === `${f.vault.url}/secrets/${p.name}`)).toBe(true);
        expect(new Set(items.map((p) => p.name)).size).toBe(items.length);
    });

    it('updates attributes of a version: disabling it makes reads 403 SecretDisabled, other versions stay readable', async () => {
        const old = await f.client.setSecret('to-disable', 'old');
        const current = await f.client.setSecret('to-disable', 'current');
        const newExpiry = new Date(Date.UTC(2032, 1, 29));
        f.clock.advanceDays(2);

        const updated = await f.client.updateSecretProperties('to-disable', current.properties.version!, {
            enabled: false,
            expiresOn: newExpiry,
        });

        expect(updated).toMatchObject({
            enabled: false,
            expiresOn: newExpiry,
            updatedOn: new Date(f.clock.nowMs),
            createdOn: current.properties.createdOn,
        });
        expect(await restErrorOf(f.client.getSecret('to-disable'))).toEqual({
            statusCode: 403,
            code: 'Forbidden',
            message: 'Operation get is not allowed on a disabled secret.',
            innerCode: 'SecretDisabled',
        });
        expect((await f.client.getSecret('to-disable', { version: old.properties.version! })).value).toBe('old');

        await f.client.updateSecretProperties('to-disable', current.properties.version!, {
            enabled: true,
            tags: { rotated: 'yes' },
        });
        await expect(f.client.getSecret('to-disable')).resolves.toMatchObject({
            value: 'current',
            properties: { expiresOn: newExpiry, tags: { rotated: 'yes' } },
        });
    });

    it('answers 404 SecretNotFound with Key Vault’s message for an unknown secret or version', async () => {
        expect(await restErrorOf(f.client.getSecret('never-created'))).toMatchObject({
            statusCode: 404,
            code: 'SecretNotFound',
            message:
                'A secret with (name/id) never-created was not found in this key vault. If you recently deleted this secret you may be able to ' +
                'recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182',
        });
        await f.client.setSecret('known', 'x');
        const missingVersion = '0123456789abcdef0123456789abcdef';
        expect(await restErrorOf(f.client.getSecret('known', { version: missingVersion }))).toMatchObject({
            statusCode: 404,
            code: 'SecretNotFound',
            message: expect.stringContaining(`(name/id) known/${missingVersion} was not found`),
        });
        expect(
            await restErrorOf(f.client.updateSecretProperties('never-created', missingVersion, { enabled: false })),
        ).toMatchObject({ statusCode: 404 });
    });

    it('rejects an invalid secret name with Key Vault’s BadParameter error', async () => {
        expect(await restErrorOf(f.client.setSecret('bad_name', 'x'))).toEqual({
            statusCode: 400,
            code: 'BadParameter',
            message: 'The request URI contains an invalid name: bad_name',
            innerCode: undefined,
        });
        expect(await restErrorOf(f.client.getSecret('a'.repeat(128)))).toMatchObject({
            statusCode: 400,
            code: 'BadParameter',
        });
        await expect(f.client.setSecret('a'.repeat(127), 'x')).resolves.toMatchObject({ value: 'x' });
    });

    it('accepts a 25600-character value and refuses one character more', async () => {
        await expect(f.client.setSecret('big', 'x'.repeat(25_600))).resolves.toMatchObject({ name: 'big' });
        expect(await restErrorOf(f.client.setSecret('big', 'x'.repeat(25_601)))).toEqual({
            statusCode: 400,
            code: 'BadParameter',
            message: 'Secret is beyond the maximum permitted length of 25600 characters.',
            innerCode: 'SecretTooLarge',
        });
    });
});

function escape(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
