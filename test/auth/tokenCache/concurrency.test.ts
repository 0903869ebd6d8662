import {
    AccountPartitionManager,
    TableCacheClient,
    deleteTokenCachePartition,
    type TokenCacheError,
} from '../../../lib/auth/tokenCache';
import { DistributedCachePlugin, type ICacheClient } from '@azure/msal-node';
import { GRAPH_SCOPE, SHAREPOINT_SCOPE, tokenCacheFixture, type TokenCacheFixture } from './support/tokenCacheFixture';

type Cache = Record<string, Record<string, { secret?: string; target?: string; home_account_id?: string }>>;

/** Holds every caller until `parties` have arrived: forces two writers into the read-then-write race. */
function barrier(parties: number): () => Promise<void> {
    let arrived = 0;
    let release!: () => void;
    const open = new Promise<void>((resolve) => (release = resolve));
    return async () => {
        if (++arrived === parties) release();
        await open;
    };
}

describe('token cache concurrency (ETags over Azurite)', () => {
    let f: TokenCacheFixture;
    beforeEach(async () => {
        f = await tokenCacheFixture();
    });

    const client = (integrationId = 'int-a', maxWriteAttempts?: number) =>
        new TableCacheClient({
            tableClient: f.tableClient,
            integrationId,
            keyProvider: f.keyProvider,
            maxWriteAttempts,
        });
    const storedCache = async (homeAccountId: string): Promise<Cache> =>
        JSON.parse(await client().get(homeAccountId)) as Cache;

    it('two instances refreshing the same account at once keep both results', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const bothRead = barrier(2);
        const written: string[] = [];
        // The real TableCacheClient, with its set held until both writers have read the same version.
        const racing = (): ICacheClient => {
            const inner = client();
            return {
                get: (key) => inner.get(key),
                set: async (key, value) => {
                    written.push(value);
                    await bothRead();
                    return inner.set(key, value);
                },
            };
        };
        const instance = () =>
            f.cca(
                'int-a',
                new DistributedCachePlugin(
                    racing(),
                    new AccountPartitionManager({ integrationId: 'int-a', homeAccountId }),
                ),
            );
        const [a, b] = [instance(), instance()];
        const [accountA, accountB] = await Promise.all(
            [a, b].map(async (cca) => (await cca.getTokenCache().getAccountByHomeId(homeAccountId))!),
        );

        const [graph, sharepoint] = await Promise.all([
            a.acquireTokenSilent({ account: accountA, scopes: [GRAPH_SCOPE], forceRefresh: true }),
            b.acquireTokenSilent({ account: accountB, scopes: [SHAREPOINT_SCOPE], forceRefresh: true }),
        ]);

        const cache = await storedCache(homeAccountId);
        expect(written).toHaveLength(2);
        // Neither writer's serialization was stored as is: the loser merged.
        expect(written).not.toContain(JSON.stringify(cache));
        expect(
            Object.values(cache.AccessToken)
                .map((at) => at.secret)
                .sort(),
        ).toEqual([graph.accessToken, sharepoint.accessToken].sort());
        const refreshTokens = Object.values(cache.RefreshToken).map((rt) => rt.secret);
        expect(refreshTokens).toHaveLength(1);
        expect(['rt-2', 'rt-3']).toContain(refreshTokens[0]);

        // A third instance serves both from the cache.
        const requests = f.entra.requests.length;
        const c = f.cca(
            'int-a',
            new DistributedCachePlugin(
                client(),
                new AccountPartitionManager({ integrationId: 'int-a', homeAccountId }),
            ),
        );
        const accountC = (await c.getTokenCache().getAccountByHomeId(homeAccountId))!;
        expect((await c.acquireTokenSilent({ account: accountC, scopes: [GRAPH_SCOPE] })).accessToken).toBe(
            graph.accessToken,
        );
        expect((await c.acquireTokenSilent({ account: accountC, scopes: [SHAREPOINT_SCOPE] })).accessToken).toBe(
            sharepoint.accessToken,
        );
        expect(f.entra.requests.length).toBe(requests);
    });

    it('five writers adding refresh tokens under different keys at once lose none', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const base = await storedCache(homeAccountId);
        const [originalKey] = Object.keys(base.RefreshToken);
        const writers = Array.from({ length: 5 }, () => client());
        await Promise.all(writers.map((w) => w.get(homeAccountId)));

        await Promise.all(
            writers.map((w, i) => {
                // e.g. a family (FOCI) refresh token next to the app's own: a different cache key.
                const mine: Cache = structuredClone(base);
                mine.RefreshToken[`${homeAccountId}-login.windows.net-refreshtoken-${i}--`] = {
                    home_account_id: homeAccountId,
                    secret: `family-rt-${i}`,
                };
                return w.set(homeAccountId, JSON.stringify(mine));
            }),
        );

        const secrets = Object.values((await storedCache(homeAccountId)).RefreshToken).map((rt) => rt.secret);
        expect(secrets.sort()).toEqual(
            [base.RefreshToken[originalKey].secret, ...[0, 1, 2, 3, 4].map((i) => `family-rt-${i}`)].sort(),
        );
    });

    it('gives up with token_cache_conflict after the bounded attempts', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const [winner, loser] = [client(), client('int-a', 1)];
        const json = await winner.get(homeAccountId);
        await loser.get(homeAccountId);
        await winner.set(homeAccountId, json);
        await expect(loser.set(homeAccountId, json)).rejects.toMatchObject({
            code: 'token_cache_conflict',
        } satisfies Partial<TokenCacheError>);
    });

    it('does not resurrect a partition deleted while a writer held it', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const writer = client();
        const json = await writer.get(homeAccountId);
        expect(await deleteTokenCachePartition(f.tableClient, 'int-a', homeAccountId)).toBe(true);

        await expect(writer.set(homeAccountId, json)).rejects.toMatchObject({ code: 'token_cache_partition_removed' });
        expect(await client().get(homeAccountId)).toBe('');
    });
});
