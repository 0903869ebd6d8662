import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { ConfidentialClientApplication, type ICachePlugin } from '@azure/msal-node';
import { HOUR } from '../../../dev/m365/clock';
import {
    createTokenCachePlugin,
    ensureTokenCacheTable,
    persistSignIn,
    staticKeyProvider,
    TableCacheClient,
} from '../../../lib/auth/tokenCache';
import { azuriteConnectionString, uniqueSuffix } from '../../support/uniqueNames';
import { GRAPH_SCOPES, REDIRECT_URI, signInWithMsal, startFixture, type Fixture } from '../../m365/entra/simHarness';

/**
 * The OAuth callback and later silent calls, as the service runs them: msal-node against the Entra
 * simulator over HTTPS, tokens persisted through the plugin into an Azurite table.
 */
describe('token cache end to end (Entra simulator + Azurite)', () => {
    let fx: Fixture;
    let tableClient: TableClient;
    const keyProvider = staticKeyProvider(randomBytes(32));
    const integrationId = 'files';

    beforeAll(async () => {
        fx = await startFixture();
        tableClient = TableClient.fromConnectionString(azuriteConnectionString(), `tce${uniqueSuffix()}`, {
            allowInsecureConnection: true,
        });
        await ensureTokenCacheTable(tableClient);
    });
    afterAll(async () => {
        jest.useRealTimers();
        await fx.sim.stop();
    });

    const cca = (cachePlugin?: ICachePlugin) =>
        new ConfidentialClientApplication({
            auth: {
                clientId: fx.app.appId,
                clientSecret: fx.secret.secretText,
                authority: `${fx.sim.authorityHost}/${fx.tenant.id}`,
                knownAuthorities: [`localhost:${fx.sim.port}`],
            },
            cache: cachePlugin ? { cachePlugin } : undefined,
        });
    const plugged = (homeAccountId: string) =>
        cca(createTokenCachePlugin({ tableClient, integrationId, homeAccountId, keyProvider }));
    const tokenPosts = () => fx.sim.requests.count('POST', `/${fx.tenant.id}/oauth2/v2.0/token`);
    const storedRefreshTokens = async (homeAccountId: string) => {
        const json = JSON.parse(
            await new TableCacheClient({ tableClient, integrationId, keyProvider }).get(homeAccountId),
        ) as { RefreshToken: Record<string, { secret: string }> };
        return Object.values(json.RefreshToken).map((rt) => rt.secret);
    };

    it('redeems the code into the partition, then serves and renews tokens silently through it', async () => {
        jest.useFakeTimers({
            doNotFake: [
                'nextTick',
                'setImmediate',
                'clearImmediate',
                'setTimeout',
                'clearTimeout',
                'setInterval',
                'clearInterval',
                'queueMicrotask',
                'hrtime',
                'performance',
            ],
            now: fx.sim.clock.now(),
        });

        // Callback: an in-memory CCA redeems the code; the result names the partition.
        const callback = cca();
        const signedIn = await signInWithMsal(callback, fx.adele.userPrincipalName);
        const result = await callback.acquireTokenByCode({
            code: signedIn.code,
            scopes: GRAPH_SCOPES,
            redirectUri: REDIRECT_URI,
            codeVerifier: signedIn.verifier,
        });
        const homeAccountId = result.account!.homeAccountId;
        expect(homeAccountId).toBe(`${fx.adele.id}.${fx.tenant.id}`);
        await persistSignIn({
            tableClient,
            integrationId,
            keyProvider,
            tokenCache: callback.getTokenCache(),
            homeAccountId,
        });
        const [firstRefreshToken] = await storedRefreshTokens(homeAccountId);

        // A later invocation: a fresh CCA finds the account and the cached token, no token request.
        fx.sim.requests.clear();
        const sync = plugged(homeAccountId);
        const account = await sync.getTokenCache().getAccountByHomeId(homeAccountId);
        expect(account?.username).toBe(fx.adele.userPrincipalName);
        const cached = await sync.acquireTokenSilent({ account: account!, scopes: GRAPH_SCOPES });
        expect(cached.accessToken).toBe(result.accessToken);
        expect(tokenPosts()).toBe(0);

        // Two hours later the access token has expired: the refresh goes through, and is stored.
        fx.sim.clock.advance(2 * HOUR);
        jest.setSystemTime(fx.sim.clock.now());
        const later = plugged(homeAccountId);
        const renewed = await later.acquireTokenSilent({
            account: (await later.getTokenCache().getAccountByHomeId(homeAccountId))!,
            scopes: GRAPH_SCOPES,
        });
        expect(renewed.accessToken).not.toBe(result.accessToken);
        expect(fx.sim.authenticate(`Bearer ${renewed.accessToken}`).ok).toBe(true);
        expect(tokenPosts()).toBe(1);
        expect(await storedRefreshTokens(homeAccountId)).not.toEqual([firstRefreshToken]);

        // And the next invocation reuses the renewed token.
        const next = plugged(homeAccountId);
        const again = await next.acquireTokenSilent({
            account: (await next.getTokenCache().getAccountByHomeId(homeAccountId))!,
            scopes: GRAPH_SCOPES,
        });
        expect(again.accessToken).toBe(renewed.accessToken);
        expect(tokenPosts()).toBe(1);
    });
});
