import { restStatus } from '../storage/restError';
import { randomBytes } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { CacheKeyProvider } from './tokenCache';

export const TOKEN_CACHE_KEY_SECRET = 'token-cache-key';

/**
 * The token cache's AES-256 key, kept in Key Vault. Created on first use. Two instances starting at
 * once may both create a version; every instance uses the OLDEST enabled version, so they agree.
 */
export function keyVaultCacheKey(vault: SecretClient): CacheKeyProvider {
    let key: Promise<Buffer> | undefined;
    return {
        getKey() {
            key ??= loadOrCreate(vault);
            key.catch(() => (key = undefined));
            return key;
        },
    };
}

async function loadOrCreate(vault: SecretClient): Promise<Buffer> {
    const oldest = await oldestVersion(vault);
    if (!oldest) {
        await vault.setSecret(TOKEN_CACHE_KEY_SECRET, randomBytes(32).toString('base64'), {
            contentType: 'application/octet-stream;base64',
            tags: { kind: 'token-cache-key' },
        });
    }
    const version = oldest ?? (await oldestVersion(vault));
    const secret = await vault.getSecret(TOKEN_CACHE_KEY_SECRET, { version });
    return Buffer.from(secret.value!, 'base64');
}

async function oldestVersion(vault: SecretClient): Promise<string | undefined> {
    let oldest: { version: string; created: number } | undefined;
    try {
        for await (const p of vault.listPropertiesOfSecretVersions(TOKEN_CACHE_KEY_SECRET)) {
            const created = p.createdOn?.getTime() ?? 0;
            if (
                p.enabled !== false &&
                p.version &&
                (!oldest || created < oldest.created || (created === oldest.created && p.version < oldest.version))
            ) {
                oldest = { version: p.version, created };
            }
        }
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
    }
    return oldest?.version;
}
