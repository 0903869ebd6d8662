import { allPages, restErrorOf, startVaultFixture, VaultFixture } from './vaultFixture';

const DAY_MS = 86_400_000;

describe('Key Vault double: soft delete, recover and purge through the real SecretClient', () => {
    let f: VaultFixture;
    beforeAll(async () => {
        f = await startVaultFixture();
    });
    afterAll(() => f.vault.stop());

    it('deletes with beginDeleteSecret: the poller finds the deleted secret, with recovery id and a purge date 90 days out', async () => {
        const set = await f.client.setSecret('to-delete', 'value', { tags: { kind: 'client-secret' } });

        const poller = await f.client.beginDeleteSecret('to-delete', { intervalInMs: 10 });
        const deleted = await poller.pollUntilDone();

        expect(deleted.properties).toMatchObject({
            recoveryId: `${f.vault.url}/deletedsecrets/to-delete`,
            deletedOn: new Date(f.clock.nowMs),
            scheduledPurgeDate: new Date(f.clock.nowMs + 90 * DAY_MS),
            version: set.properties.version,
            tags: { kind: 'client-secret' },
        });
        expect(deleted.value).toBeUndefined();
        expect(await restErrorOf(f.client.getSecret('to-delete'))).toMatchObject({
            statusCode: 404,
            code: 'SecretNotFound',
        });

        const fetched = await f.client.getDeletedSecret('to-delete');
        expect(fetched.properties.recoveryId).toBe(`${f.vault.url}/deletedsecrets/to-delete`);
        const { items } = await allPages(f.client.listDeletedSecrets().byPage({ maxPageSize: 1 }));
        expect(items.map((d) => d.name)).toContain('to-delete');
        const { items: live } = await allPages(f.client.listPropertiesOfSecrets().byPage());
        expect(live.map((p) => p.name)).not.toContain('to-delete');
    });

    it('refuses to reuse a deleted-but-recoverable name with 409 Conflict / ObjectIsDeletedButRecoverable', async () => {
        await f.client.setSecret('conflicting', 'v1');
        await (await f.client.beginDeleteSecret('conflicting', { intervalInMs: 10 })).pollUntilDone();

        expect(await restErrorOf(f.client.setSecret('conflicting', 'v2'))).toEqual({
            statusCode: 409,
            code: 'Conflict',
            message:
                'Secret conflicting is currently in a deleted but recoverable state, and its name cannot be reused; ' +
                'in this state, the secret can only be recovered or purged.',
            innerCode: 'ObjectIsDeletedButRecoverable',
        });
    });

    it('recovers a deleted secret with every version and its value', async () => {
        const v1 = await f.client.setSecret('recoverable', 'one');
        await f.client.setSecret('recoverable', 'two');
        await (await f.client.beginDeleteSecret('recoverable', { intervalInMs: 10 })).pollUntilDone();

        const recovered = await (
            await f.client.beginRecoverDeletedSecret('recoverable', { intervalInMs: 10 })
        ).pollUntilDone();

        expect(recovered.name).toBe('recoverable');
        expect((await f.client.getSecret('recoverable')).value).toBe('two');
        expect((await f.client.getSecret('recoverable', { version: v1.properties.version! })).value).toBe('one');
        expect(await restErrorOf(f.client.getDeletedSecret('recoverable'))).toEqual({
            statusCode: 404,
            code: 'SecretNotFound',
            message: 'Deleted Secret not found: recoverable',
            innerCode: undefined,
        });
    });

    it('purges a deleted secret, after which the name can be reused', async () => {
        await f.client.setSecret('purgeable', 'old');
        await (await f.client.beginDeleteSecret('purgeable', { intervalInMs: 10 })).pollUntilDone();

        await f.client.purgeDeletedSecret('purgeable');

        expect(await restErrorOf(f.client.getDeletedSecret('purgeable'))).toMatchObject({
            statusCode: 404,
            code: 'SecretNotFound',
        });
        expect(await restErrorOf(f.client.purgeDeletedSecret('purgeable'))).toMatchObject({ statusCode: 404 });
        await f.client.setSecret('purgeable', 'new');
        const { items } = await allPages(f.client.listPropertiesOfSecretVersions('purgeable').byPage());
        expect(items).toHaveLength(1);
    });

    it('purges by itself once the scheduled purge date has passed', async () => {
        await f.client.setSecret('retention', 'x');
        await (await f.client.beginDeleteSecret('retention', { intervalInMs: 10 })).pollUntilDone();

        f.clock.advanceDays(89);
        await expect(f.client.getDeletedSecret('retention')).resolves.toMatchObject({ name: 'retention' });
        f.clock.advanceDays(1);
        expect(await restErrorOf(f.client.getDeletedSecret('retention'))).toMatchObject({ statusCode: 404 });
        await expect(f.client.setSecret('retention', 'reused')).resolves.toMatchObject({ value: 'reused' });
    });

    it('answers 404 for deleting a secret that does not exist', async () => {
        expect(await restErrorOf(f.client.beginDeleteSecret('no-such-secret'))).toMatchObject({
            statusCode: 404,
            code: 'SecretNotFound',
        });
    });
});
