import { ConfigError, loadConfig } from '../../lib/config/config';

const valid = {
    SyncStorage: 'UseDevelopmentStorage=true',
    KEY_VAULT_URL: 'https://localhost:8443',
    PUBLIC_BASE_URL: 'http://localhost:7071',
};

describe('loadConfig', () => {
    it('reads a minimal local configuration and fills defaults', () => {
        const c = loadConfig(valid);
        expect(c.storage).toEqual({ kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' });
        expect(c.queues).toEqual({ sync: 'sync', transfer: 'transfer' });
        expect(c.transfer.fragmentBytes).toBe(10 * 1024 * 1024);
        expect(c.credential.kind).toBe('managedidentity');
        expect(c.platformAllowedOrigins).toEqual([]);
    });

    it('accepts identity-based storage endpoints instead of a connection string', () => {
        const c = loadConfig({
            KEY_VAULT_URL: valid.KEY_VAULT_URL,
            PUBLIC_BASE_URL: valid.PUBLIC_BASE_URL,
            SyncStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
            SyncStorage__queueServiceUri: 'https://acct.queue.core.windows.net',
            SyncStorage__tableServiceUri: 'https://acct.table.core.windows.net',
            SyncStorage__clientId: 'abc',
        });
        expect(c.storage).toMatchObject({
            kind: 'identity',
            clientId: 'abc',
            tableServiceUri: 'https://acct.table.core.windows.net',
        });
    });

    it('names every missing or malformed setting and what it expects', () => {
        let error: unknown;
        try {
            loadConfig({
                KEY_VAULT_URL: 'http://vault',
                TRANSFER_FRAGMENT_BYTES: '1000000',
                SYNC_QUEUE_NAME: 'Bad_Name',
            });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const messages = (error as ConfigError).problems.map((p) => p.message);
        expect(messages).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^Missing app setting SyncStorage: expected a storage connection string/),
                expect.stringMatching(
                    /^Invalid app setting KEY_VAULT_URL="http:\/\/vault": expected an absolute https: URL/,
                ),
                expect.stringMatching(/^Missing app setting PUBLIC_BASE_URL/),
                expect.stringMatching(
                    /^Invalid app setting TRANSFER_FRAGMENT_BYTES="1000000": expected a multiple of 327680/,
                ),
                expect.stringMatching(/^Invalid app setting SYNC_QUEUE_NAME="Bad_Name"/),
            ]),
        );
        expect(messages).toHaveLength(5);
    });

    it('never echoes a connection string with a key in an error', () => {
        const attempt = () =>
            loadConfig({ ...valid, TRANSFER_FRAGMENT_BYTES: 'AccountKey=supersecretvalue0123456789' });
        expect(attempt).toThrow(/TRANSFER_FRAGMENT_BYTES="AccountKey=supersecretva…"/);
        expect(attempt).not.toThrow(/0123456789/);
    });
});
