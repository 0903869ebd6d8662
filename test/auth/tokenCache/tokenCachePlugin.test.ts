import { randomUUID } from 'node:crypto';
import { createTokenCachePlugin, TableCacheClient, type TokenCacheError } from '../../../lib/auth/tokenCache';
import { GRAPH_SCOPE, SHAREPOINT_SCOPE, tokenCacheFixture, type TokenCacheFixture } from './support/tokenCacheFixture';

/** Real ConfidentialClientApplication + DistributedCachePlugin + Azurite table, end to end. */
describe('token cache plugin (real msal-node over Azurite)', () => {
    let f: TokenCacheFixture;
    beforeEach(async () => {
        f = await tokenCacheFixture();
    });

    const pluggedCca = (integrationId: string, homeAccountId: string) =>
        f.cca(
            integrationId,
            createTokenCachePlugin({
                tableClient: f.tableClient,
                integrationId,
                homeAccountId,
                keyProvider: f.keyProvider,
            }),
        );

    const stored = async (integrationId: string, homeAccountId: string) => {
        const json = await new TableCacheClient({
            tableClient: f.tableClient,
            integrationId,
            keyProvider: f.keyProvider,
        }).get(homeAccountId);
        return json
            ? (JSON.parse(json) as Record<string, Record<string, { secret?: string; target?: string }>>)
            : undefined;
    };
    const refreshTokensOf = async (integrationId: string, homeAccountId: string) =>
        Object.values((await stored(integrationId, homeAccountId))?.RefreshToken ?? {}).map((rt) => rt.secret);

    it('round-trips a sign-in: a new CCA finds the account and serves the cached token without the network', async () => {
        const user = f.newUser();
        const homeAccountId = await f.signIn('int-a', user);
        expect(homeAccountId).toBe(`${user.oid}.${user.tid}`);

        const requestsBefore = f.entra.requests.length;
        const cca = pluggedCca('int-a', homeAccountId);
        const account = await cca.getTokenCache().getAccountByHomeId(homeAccountId);
        expect(account?.username).toBe(user.upn);
        const result = await cca.acquireTokenSilent({ account: account!, scopes: [GRAPH_SCOPE] });
        expect(result.accessToken).toMatch(/^at-1-/);
        expect(f.entra.requests.length).toBe(requestsBefore);
    });

    it('stores a refresh made through the plugin, for the next instance to use', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const cca = pluggedCca('int-a', homeAccountId);
        const account = (await cca.getTokenCache().getAccountByHomeId(homeAccountId))!;
        const refreshed = await cca.acquireTokenSilent({ account, scopes: [SHAREPOINT_SCOPE] });

        expect(f.entra.requests.at(-1)).toMatchObject({ grantType: 'refresh_token', refreshToken: 'rt-1' });
        expect(await refreshTokensOf('int-a', homeAccountId)).toEqual(['rt-2']);
        const next = pluggedCca('int-a', homeAccountId);
        const again = await next.acquireTokenSilent({
            account: (await next.getTokenCache().getAccountByHomeId(homeAccountId))!,
            scopes: [SHAREPOINT_SCOPE],
        });
        expect(again.accessToken).toBe(refreshed.accessToken);
    });

    it('keeps the ciphertext at rest: the raw entity holds neither tokens nor cache JSON', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const raw = await f.tableClient.getEntity<Record<string, unknown>>('int-a', homeAccountId);
        const dataProps = Object.keys(raw).filter((k) => k.startsWith('Data'));
        expect(dataProps).toEqual(['Data0']);
        expect(raw).toMatchObject({ Format: 1, Chunks: 1 });
        const bytes = Buffer.from(raw.Data0 as Uint8Array);
        const plaintext = JSON.stringify(await stored('int-a', homeAccountId));
        expect(plaintext).toContain('rt-1');
        for (const needle of ['rt-1', 'RefreshToken', homeAccountId, 'at-1-']) {
            expect(bytes.includes(Buffer.from(needle))).toBe(false);
        }
        expect(JSON.stringify(raw)).not.toContain('rt-1');
    });

    it('refuses a tampered row with a clear integrity error', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const raw = await f.tableClient.getEntity<Record<string, unknown>>('int-a', homeAccountId);
        const bytes = Buffer.from(raw.Data0 as Uint8Array);
        bytes[20] ^= 0x01;
        await f.tableClient.updateEntity(
            { ...raw, partitionKey: 'int-a', rowKey: homeAccountId, Data0: bytes },
            'Replace',
        );

        const cca = pluggedCca('int-a', homeAccountId);
        await expect(cca.getTokenCache().getAllAccounts()).rejects.toMatchObject({
            name: 'TokenCacheError',
            code: 'token_cache_integrity',
            message: expect.stringContaining(`account '${homeAccountId}' in integration 'int-a' failed to decrypt`),
        });

        // Reconnecting the account repairs it.
        const user = { oid: homeAccountId.split('.')[0]!, tid: homeAccountId.split('.')[1]!, upn: '' };
        await f.signIn('int-a', user);
        expect(await refreshTokensOf('int-a', homeAccountId)).toEqual([f.entra.lastRefreshToken()]);
    });

    it('refuses a row copied into another integration or another account', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        const raw = await f.tableClient.getEntity<Record<string, unknown>>('int-a', homeAccountId);
        const { etag: _etag, timestamp: _ts, ...copy } = raw;
        const otherAccount = `${randomUUID()}.${homeAccountId.split('.')[1]}`;
        await f.tableClient.createEntity({ ...copy, partitionKey: 'int-b', rowKey: homeAccountId });
        await f.tableClient.createEntity({ ...copy, partitionKey: 'int-a', rowKey: otherAccount });

        const fail = (integrationId: string, account: string) =>
            pluggedCca(integrationId, account).getTokenCache().getAllAccounts();
        await expect(fail('int-b', homeAccountId)).rejects.toMatchObject({ code: 'token_cache_integrity' });
        await expect(fail('int-a', otherAccount)).rejects.toMatchObject({ code: 'token_cache_integrity' });
        // The original still opens.
        expect(
            (await pluggedCca('int-a', homeAccountId).getTokenCache().getAllAccounts()).map((a) => a.homeAccountId),
        ).toEqual([homeAccountId]);
    });

    it('keeps two integrations of the same account independent: refreshing or clearing one never touches the other', async () => {
        const user = f.newUser();
        const homeAccountId = await f.signIn('files', user);
        expect(await f.signIn('mail', user)).toBe(homeAccountId);
        const mailBefore = await f.tableClient.getEntity('mail', homeAccountId);
        const mailTokens = await refreshTokensOf('mail', homeAccountId);

        // The files integration refreshes, then signs the account out of its cache.
        const files = pluggedCca('files', homeAccountId);
        const account = (await files.getTokenCache().getAccountByHomeId(homeAccountId))!;
        await files.acquireTokenSilent({ account, scopes: [GRAPH_SCOPE], forceRefresh: true });
        expect(await refreshTokensOf('files', homeAccountId)).toEqual([f.entra.lastRefreshToken()]);
        await files.getTokenCache().removeAccount(account);
        expect(await stored('files', homeAccountId)).toMatchObject({ Account: {}, RefreshToken: {}, AccessToken: {} });

        const mailAfter = await f.tableClient.getEntity('mail', homeAccountId);
        expect(mailAfter.etag).toBe(mailBefore.etag);
        expect(await refreshTokensOf('mail', homeAccountId)).toEqual(mailTokens);
        const mail = pluggedCca('mail', homeAccountId);
        expect(await mail.getTokenCache().getAccountByHomeId(homeAccountId)).not.toBeNull();
    });

    it('refuses to store another account’s tokens in a bound partition', async () => {
        const owner = f.newUser();
        const homeAccountId = await f.signIn('int-a', owner);
        const before = await f.tableClient.getEntity('int-a', homeAccountId);
        const intruder = f.newUser();

        const cca = pluggedCca('int-a', homeAccountId);
        const attempt = cca.acquireTokenByCode({
            code: `code:${intruder.oid}`,
            scopes: [GRAPH_SCOPE],
            redirectUri: 'https://sync.example/cb',
        });
        await expect(attempt).rejects.toMatchObject({
            code: 'token_cache_partition_mismatch',
        } satisfies Partial<TokenCacheError>);
        expect((await f.tableClient.getEntity('int-a', homeAccountId)).etag).toBe(before.etag);
    });

    it('a reconnect replaces the account’s cache: the old refresh token does not survive', async () => {
        const user = f.newUser();
        const homeAccountId = await f.signIn('int-a', user);
        const cca = pluggedCca('int-a', homeAccountId);
        await cca.acquireTokenSilent({
            account: (await cca.getTokenCache().getAccountByHomeId(homeAccountId))!,
            scopes: [SHAREPOINT_SCOPE],
        });
        expect(await refreshTokensOf('int-a', homeAccountId)).toEqual(['rt-2']);

        await f.signIn('int-a', user);
        const cache = await stored('int-a', homeAccountId);
        expect(Object.values(cache!.RefreshToken).map((rt) => rt.secret)).toEqual(['rt-3']);
        expect(Object.values(cache!.AccessToken).map((at) => at.target)).toEqual([GRAPH_SCOPE]);
    });

    it('encodes home account ids with characters Table keys forbid', async () => {
        const user = f.newUser('we/ird\\id#with?%2F\u0001');
        const homeAccountId = await f.signIn('int/x', user);
        expect(homeAccountId).toBe(`we/ird\\id#with?%2F\u0001.${user.tid}`);

        const rows = [];
        for await (const row of f.tableClient.listEntities()) rows.push(row);
        expect(rows).toHaveLength(1);
        const [row] = rows;
        expect(row.partitionKey).toBe('int%2Fx');
        expect(row.rowKey).toBe(`we%2Fird%5Cid%23with%3F%252F%01.${user.tid}`);
        const cca = pluggedCca('int/x', homeAccountId);
        expect((await cca.getTokenCache().getAccountByHomeId(homeAccountId))?.username).toBe(user.upn);
    });

    it('round-trips a cache larger than one 64 KiB property', async () => {
        const homeAccountId = await f.signIn('int-a', f.newUser());
        f.entra.accessTokenBytes = 12 * 1024;
        const cca = pluggedCca('int-a', homeAccountId);
        const account = (await cca.getTokenCache().getAccountByHomeId(homeAccountId))!;
        const tokens = new Map<string, string>();
        for (let i = 0; i < 16; i++) {
            const scope = `https://site${i}.sharepoint.com/AllSites.Read`;
            tokens.set(scope, (await cca.acquireTokenSilent({ account, scopes: [scope] })).accessToken);
        }
        const raw = await f.tableClient.getEntity<Record<string, unknown>>('int-a', homeAccountId);
        expect(raw.Chunks).toBeGreaterThanOrEqual(3);
        expect(Buffer.from(raw.Data0 as Uint8Array).length).toBe(64 * 1024);

        const requests = f.entra.requests.length;
        const next = pluggedCca('int-a', homeAccountId);
        const again = (await next.getTokenCache().getAccountByHomeId(homeAccountId))!;
        for (const [scope, token] of tokens) {
            expect((await next.acquireTokenSilent({ account: again, scopes: [scope] })).accessToken).toBe(token);
        }
        expect(f.entra.requests.length).toBe(requests);
    });
});
