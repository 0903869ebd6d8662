import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { keyVaultCacheKey } from './keyVaultCacheKey';
import { createMsalClient, graphScopes } from './msalClient';
import { aadstsCode, oauthFailure, SignInFailure } from './signInErrors';
import { CacheKeyProvider, createTokenCachePlugin, TokenCacheError } from './tokenCache';

/**
 * A Graph access token for one connected account, from its own cache partition (refreshing silently
 * when needed). A failure that needs the person to sign in again becomes an {@link AccountAuthError}
 * whose cause the drive's health shows (account disabled, password changed, token expired, consent).
 */
export class AccountAuthError extends Error {
    constructor(
        readonly failure: SignInFailure,
        readonly needsReauth: boolean,
    ) {
        super(failure.message);
        this.name = 'AccountAuthError';
    }
}

const keyProviders = new WeakMap<Services, CacheKeyProvider>();

export function cacheKeyProvider(services: Services): CacheKeyProvider {
    let provider = keyProviders.get(services);
    if (!provider) keyProviders.set(services, (provider = keyVaultCacheKey(services.secrets)));
    return provider;
}

/** For services without a Key Vault (storage-only tests): the key these services encrypt and seal with. */
export function useCacheKeyProvider(services: Services, provider: CacheKeyProvider): void {
    keyProviders.set(services, provider);
}

export async function acquireGraphToken(
    services: Services,
    integration: IntegrationRecord,
    homeAccountId: string,
    options: { forceRefresh?: boolean } = {},
): Promise<string> {
    const cachePlugin = createTokenCachePlugin({
        tableClient: await services.tables.get('tokenCache'),
        integrationId: integration.id,
        homeAccountId,
        keyProvider: cacheKeyProvider(services),
    });
    const cca = await createMsalClient(services, integration, cachePlugin);
    const account = await cca.getTokenCache().getAccountByHomeId(homeAccountId).catch(unreadableCache);
    if (!account) {
        throw new AccountAuthError(
            {
                code: 'account_not_connected',
                message: 'No sign-in is stored for this account.',
                hint: 'Reconnect the drive.',
            },
            true,
        );
    }
    try {
        const result = await cca.acquireTokenSilent({
            account,
            scopes: graphScopes(integration),
            // Graph refused the cached token (StaleTokenRetry): only a refreshed one can help.
            ...(options.forceRefresh ? { forceRefresh: true } : {}),
        });
        return result.accessToken;
    } catch (e) {
        if (e instanceof TokenCacheError) unreadableCache(e);
        throw toAccountAuthError(e);
    }
}

/** A cache row that no longer decrypts, or was purged, cannot be repaired silently: the person reconnects. */
function unreadableCache(e: unknown): never {
    if (e instanceof TokenCacheError && ['token_cache_integrity', 'token_cache_partition_removed'].includes(e.code)) {
        throw new AccountAuthError(
            {
                code: 'sign_in_unreadable',
                message: 'The stored sign-in for this account can no longer be used.',
                hint: 'Reconnect the drive.',
            },
            true,
        );
    }
    throw e;
}

/** Classifies an MSAL error: interaction_required / invalid_grant ⇒ the account must sign in again. */
export function toAccountAuthError(e: unknown): AccountAuthError {
    const err = e as { errorCode?: string; errorMessage?: string; errorNo?: string; name?: string; message?: string };
    const description = err.errorMessage ?? err.message ?? '';
    const code = aadstsCode(description) ?? err.errorNo;
    const failure = oauthFailure(err.errorCode ?? 'error', code ? `AADSTS${code}: ${description}` : description);
    const needsReauth =
        err.name === 'InteractionRequiredAuthError' ||
        err.errorCode === 'invalid_grant' ||
        ['50057', '50173', '700082', '65001'].includes(code ?? '');
    return new AccountAuthError(failure, needsReauth);
}
