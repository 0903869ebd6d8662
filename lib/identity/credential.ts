import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { Config } from '../config/config';

/**
 * The credential the service uses for Azure resources (Key Vault, storage): the user-assigned managed
 * identity on Azure, DefaultAzureCredential for a developer running against real Azure, or a fixed dev
 * token that only the local doubles accept.
 */
export async function azureCredential(c: Config['credential']): Promise<TokenCredential> {
    switch (c.kind) {
        case 'dev':
            return devCredential;
        case 'default': {
            const { DefaultAzureCredential } = await import('@azure/identity');
            return new DefaultAzureCredential(
                c.managedIdentityClientId ? { managedIdentityClientId: c.managedIdentityClientId } : {},
            );
        }
        case 'managedidentity': {
            const { ManagedIdentityCredential } = await import('@azure/identity');
            return c.managedIdentityClientId
                ? new ManagedIdentityCredential({ clientId: c.managedIdentityClientId })
                : new ManagedIdentityCredential();
        }
    }
}

/** Accepted only by dev/ doubles; a real Key Vault rejects it. */
const devCredential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: 'local-dev-token', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};
