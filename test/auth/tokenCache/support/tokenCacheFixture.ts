import { randomBytes, randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { ConfidentialClientApplication, type ICachePlugin } from '@azure/msal-node';
import {
    ensureTokenCacheTable,
    persistSignIn,
    staticKeyProvider,
    type CacheKeyProvider,
} from '../../../../lib/auth/tokenCache';
import { azuriteConnectionString, uniqueSuffix } from '../../../support/uniqueNames';
import { FakeEntra, type FakeUser } from './fakeEntra';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/Files.ReadWrite.All';
export const SHAREPOINT_SCOPE = 'https://contoso.sharepoint.com/AllSites.Read';

/** A real Table (Azurite), a random cache key and a fake Entra, fresh per test. */
export interface TokenCacheFixture {
    tableClient: TableClient;
    keyProvider: CacheKeyProvider;
    entra: FakeEntra;
    newUser(oid?: string): FakeUser;
    cca(integrationId: string, cachePlugin?: ICachePlugin): ConfidentialClientApplication;
    /** Redeems `code:<oid>` with an in-memory CCA and persists it: the OAuth callback's flow. */
    signIn(integrationId: string, user: FakeUser): Promise<string>;
}

export async function tokenCacheFixture(): Promise<TokenCacheFixture> {
    const tableClient = TableClient.fromConnectionString(azuriteConnectionString(), `tc${uniqueSuffix()}`, {
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
    });
    await ensureTokenCacheTable(tableClient);
    const keyProvider = staticKeyProvider(randomBytes(32));
    const entra = new FakeEntra();
    // One client id per integration id: each integration is its own app registration.
    const clientIds = new Map<string, string>();
    const clientIdOf = (integrationId: string): string =>
        clientIds.get(integrationId) ?? clientIds.set(integrationId, randomUUID()).get(integrationId)!;
    const cca = (integrationId: string, cachePlugin?: ICachePlugin) =>
        new ConfidentialClientApplication({
            auth: {
                clientId: clientIdOf(integrationId),
                authority: `https://login.microsoftonline.com/${TENANT}`,
                clientSecret: 'not-a-real-secret',
            },
            cache: cachePlugin ? { cachePlugin } : undefined,
            system: { networkClient: entra },
        });
    return {
        tableClient,
        keyProvider,
        entra,
        cca,
        newUser: (oid = randomUUID()) => {
            const user = { oid, tid: TENANT, upn: `${oid.slice(0, 8)}@contoso.example` };
            entra.addUser(user);
            return user;
        },
        signIn: async (integrationId, user) => {
            const app = cca(integrationId);
            const result = await app.acquireTokenByCode({
                code: `code:${user.oid}`,
                scopes: [GRAPH_SCOPE],
                redirectUri: 'https://sync.example/oauth2/sharepoint/callback',
            });
            const homeAccountId = result.account!.homeAccountId;
            await persistSignIn({
                tableClient,
                integrationId,
                keyProvider,
                tokenCache: app.getTokenCache(),
                homeAccountId,
            });
            return homeAccountId;
        },
    };
}
