import type { SecretClient } from '@azure/keyvault-secrets';
import type { Config } from '../config/config';
import { azureCredential } from '../identity/credential';

/** The real SecretClient, for Azure Key Vault or (locally) the Key Vault double in dev/keyvault. */
export async function createSecretClient(config: Pick<Config, 'keyVault' | 'credential'>): Promise<SecretClient> {
    const { SecretClient } = await import('@azure/keyvault-secrets');
    return new SecretClient(config.keyVault.url, await azureCredential(config.credential), {
        disableChallengeResourceVerification: config.keyVault.disableChallengeResourceVerification,
        retryOptions: { maxRetries: 2 },
    });
}
