import { randomBytes } from 'node:crypto';
import { staticKeyProvider, TableCacheClient } from '../../../lib/auth/tokenCache';
import { tokenCacheFixture, type TokenCacheFixture } from './support/tokenCacheFixture';

/** The ICacheClient on its own: the edges DistributedCachePlugin does not reach in normal flows. */
describe('TableCacheClient (Azurite)', () => {
    let f: TokenCacheFixture;
    beforeEach(async () => {
        f = await tokenCacheFixture();
    });

    const client = (keyProvider = f.keyProvider) =>
        new TableCacheClient({ tableClient: f.tableClient, integrationId: 'int-a', keyProvider });
    const cacheWith = (homeAccountId: string, secret: string) =>
        JSON.stringify({
            Account: {},
            IdToken: {},
            AccessToken: {},
            RefreshToken: { rt: { home_account_id: homeAccountId, credential_type: 'RefreshToken', secret } },
            AppMetadata: {},
        });
    const rowCount = async () => {
        let n = 0;
        for await (const _ of f.tableClient.listEntities()) n++;
        return n;
    };

    it('answers an empty key (no account yet) with an empty cache and never writes one', async () => {
        expect(await client().get('')).toBe('');
        await expect(client().set('', cacheWith('', 'x'))).rejects.toMatchObject({
            code: 'token_cache_invalid_argument',
        });
        expect(await rowCount()).toBe(0);
    });

    it('refuses a cache holding another account’s entries', async () => {
        await expect(client().set('alice.t', cacheWith('mallory.t', 'x'))).rejects.toMatchObject({
            code: 'token_cache_partition_mismatch',
        });
        expect(await rowCount()).toBe(0);
    });

    it('cannot read a row written under another key', async () => {
        await client().set('alice.t', cacheWith('alice.t', 'secret'));
        await expect(client(staticKeyProvider(randomBytes(32))).get('alice.t')).rejects.toMatchObject({
            code: 'token_cache_integrity',
        });
        expect(() => staticKeyProvider(randomBytes(16))).toThrow(
            expect.objectContaining({ code: 'token_cache_invalid_argument' }),
        );
    });

    it('stores a cache of nearly 1 MiB sealed in one entity, and refuses a bigger one', async () => {
        const near = cacheWith('alice.t', randomBytes(880 * 1024).toString('base64')); // ~900 KiB sealed: random bytes barely deflate
        await client().set('alice.t', near);
        const raw = await f.tableClient.getEntity<Record<string, unknown>>('int-a', 'alice.t');
        expect(raw.Chunks).toBeGreaterThanOrEqual(14);
        expect(await client().get('alice.t')).toBe(near);

        const tooBig = cacheWith('alice.t', randomBytes(1000 * 1024).toString('base64'));
        await expect(client().set('alice.t', tooBig)).rejects.toMatchObject({ code: 'token_cache_too_large' });
        expect(await client().get('alice.t')).toBe(near);
    });
});
