import type { KeyVaultDouble } from '../../dev/keyvault/keyVaultDouble';
import { createSecretClient } from '../../lib/secrets/secretClient';
import { startTrustedVault } from './vaultFixture';

describe('lib/secrets createSecretClient against the Key Vault double', () => {
    let vault: KeyVaultDouble;
    beforeAll(async () => {
        vault = await startTrustedVault();
    });
    afterAll(() => vault.stop());

    it('round-trips a secret with the dev credential', async () => {
        const client = await createSecretClient({
            keyVault: { url: vault.url, disableChallengeResourceVerification: true },
            credential: { kind: 'dev' },
        });
        const expiresOn = new Date(Date.UTC(2031, 5, 30));

        await client.setSecret('integration-default-client-secret', 'abc~123', {
            expiresOn,
            tags: { integrationId: 'default' },
        });
        const read = await client.getSecret('integration-default-client-secret');

        expect(read.value).toBe('abc~123');
        expect(read.properties).toMatchObject({ expiresOn, tags: { integrationId: 'default' }, vaultUrl: vault.url });
    });

    it('is refused by the SDK when challenge resource verification stays on (localhost is not *.vault.azure.net)', async () => {
        const client = await createSecretClient({
            keyVault: { url: vault.url, disableChallengeResourceVerification: false },
            credential: { kind: 'dev' },
        });
        await expect(client.getSecret('anything')).rejects.toThrow(/does not match the requested domain/);
    });
});
