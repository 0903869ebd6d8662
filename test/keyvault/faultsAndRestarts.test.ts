import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { dependencyFaultIn } from '../../lib/dependencies';
import {
    FixedTokenCredential,
    restErrorOf,
    startTrustedVault,
    startVaultFixture,
    type VaultFixture,
} from './vaultFixture';

/**
 * The Key Vault double's fault switches answer as Key Vault does (issue 20): a denied caller gets 403
 * Forbidden/ForbiddenByRbac (RBAC) or Forbidden/AccessDenied (access policies) with Key Vault's text;
 * a disabled version 403 Forbidden/SecretDisabled. And with a data folder the vault survives a restart,
 * as `npm start` needs.
 */
describe('Key Vault double: access denied', () => {
    let f: VaultFixture;
    beforeAll(async () => {
        f = await startVaultFixture();
    });
    afterAll(() => f.vault.stop());
    afterEach(() => f.vault.faults.clear());

    it('answers 403 ForbiddenByRbac with the caller, the data action and the resource, then serves again once restored', async () => {
        const set = await f.client.setSecret('integration-default-client-secret', 'value');
        f.vault.faults.denyAccess({ principalObjectId: '11111111-2222-4333-8444-555555555555' });

        const denied = await restErrorOf(f.client.getSecret('integration-default-client-secret'));
        expect(denied).toMatchObject({ statusCode: 403, code: 'Forbidden', innerCode: 'ForbiddenByRbac' });
        expect(denied.message).toContain('Caller is not authorized to perform action on resource.');
        expect(denied.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
        expect(denied.message).toContain('oid=11111111-2222-4333-8444-555555555555');
        expect(denied.message).toMatch(
            /Resource: '\/subscriptions\/.+\/vaults\/kv-local-double\/secrets\/integration-default-client-secret'/,
        );
        expect(denied.message).toContain('Assignment: (not found)');
        expect(await restErrorOf(f.client.setSecret('another', 'v'))).toMatchObject({ statusCode: 403 });

        f.vault.faults.clear();
        expect((await f.client.getSecret('integration-default-client-secret')).properties.version).toBe(
            set.properties.version,
        );
    });

    it('answers the access-policy form (AccessDenied, "does not have secrets get permission")', async () => {
        await f.client.setSecret('policy-secret', 'value');
        f.vault.faults.denyAccess({ model: 'accessPolicy' });
        const denied = await restErrorOf(f.client.getSecret('policy-secret'));
        expect(denied).toMatchObject({ statusCode: 403, code: 'Forbidden', innerCode: 'AccessDenied' });
        expect(denied.message).toMatch(
            /^The user, group or application 'appid=.+;oid=.+' does not have secrets get permission on key vault 'kv-local-double;location=local'\./,
        );
    });

    it('can deny one secret only, as a role assignment scoped to a secret does', async () => {
        await f.client.setSecret('scoped-a', 'a');
        await f.client.setSecret('scoped-b', 'b');
        f.vault.faults.denyAccess({ secrets: ['scoped-a'] });
        expect(await restErrorOf(f.client.getSecret('scoped-a'))).toMatchObject({ statusCode: 403 });
        expect((await f.client.getSecret('scoped-b')).value).toBe('b');
    });

    it('is classified by the service as key_vault_forbidden, with a hint naming the role, the identity and the vault', async () => {
        await f.client.setSecret('classified', 'v');
        f.vault.faults.denyAccess({ principalObjectId: '11111111-2222-4333-8444-555555555555' });
        let thrown: unknown;
        await f.client.getSecret('classified').catch((e: unknown) => (thrown = e));
        const fault = dependencyFaultIn(thrown, {
            keyVault: { url: f.vault.url, disableChallengeResourceVerification: true },
            storage: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
            credential: { kind: 'managedidentity' },
        });
        expect(fault).toMatchObject({ code: 'key_vault_forbidden', configuration: true, dependency: 'key_vault' });
        expect(fault!.hint).toContain('"Key Vault Secrets Officer"');
        expect(fault!.hint).toContain('11111111-2222-4333-8444-555555555555');
        expect(fault!.hint).toContain('/vaults/kv-local-double');
    });
});

describe('Key Vault double: a disabled version', () => {
    let f: VaultFixture;
    beforeAll(async () => {
        f = await startVaultFixture();
    });
    afterAll(() => f.vault.stop());

    it('refuses the value with 403 Forbidden/SecretDisabled (credential_disabled for the integration secret)', async () => {
        const set = await f.client.setSecret('integration-default-client-secret', 'value');
        await f.client.updateSecretProperties('integration-default-client-secret', set.properties.version!, {
            enabled: false,
        });
        let thrown: unknown;
        await f.client
            .getSecret('integration-default-client-secret', { version: set.properties.version })
            .catch((e: unknown) => (thrown = e));
        expect(await restErrorOf(Promise.reject(thrown))).toEqual({
            statusCode: 403,
            code: 'Forbidden',
            message: 'Operation get is not allowed on a disabled secret.',
            innerCode: 'SecretDisabled',
        });
        const fault = dependencyFaultIn(thrown, {
            keyVault: { url: f.vault.url, disableChallengeResourceVerification: true },
            storage: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
            credential: { kind: 'dev' },
        });
        expect(fault).toMatchObject({ code: 'credential_disabled', configuration: true });
        expect(fault!.hint).toContain('--enabled true');
        expect(fault!.hint).toContain('PUT /api/manage/integration');
    });
});

describe('Key Vault double: kept on disk', () => {
    let dataDir: string;
    beforeAll(() => {
        dataDir = mkdtempSync(path.join(tmpdir(), 'kv-double-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('keeps every secret, version, attribute and soft-deleted secret across a restart on the same port', async () => {
        const first = await startTrustedVault({ dataDir });
        // One retry, as the service's client has: a pooled keep-alive socket to the stopped double resets.
        const client = (url: string) =>
            new SecretClient(url, new FixedTokenCredential(), {
                disableChallengeResourceVerification: true,
                retryOptions: { maxRetries: 1, retryDelayInMs: 10 },
            });
        const before = client(first.url);
        const v1 = await before.setSecret('integration-default-client-secret', 'one', {
            expiresOn: new Date('2031-01-01T00:00:00Z'),
            tags: { kind: 'client-secret' },
        });
        const v2 = await before.setSecret('integration-default-client-secret', 'two');
        await before.updateSecretProperties('integration-default-client-secret', v1.properties.version!, {
            enabled: false,
        });
        await before.setSecret('deleted-one', 'gone');
        await (await before.beginDeleteSecret('deleted-one', { intervalInMs: 10 })).pollUntilDone();
        const port = new URL(first.url).port;
        await first.stop();
        expect(statSync(path.join(dataDir, 'vault.json')).mode & 0o077).toBe(0);

        const second = await startTrustedVault({ dataDir, port: Number(port) });
        try {
            expect(second.url).toBe(first.url);
            const after = client(second.url);
            expect((await after.getSecret('integration-default-client-secret')).value).toBe('two');
            expect(
                (await after.getSecret('integration-default-client-secret', { version: v2.properties.version })).value,
            ).toBe('two');
            expect(
                await restErrorOf(
                    after.getSecret('integration-default-client-secret', { version: v1.properties.version }),
                ),
            ).toMatchObject({ statusCode: 403, innerCode: 'SecretDisabled' });
            const versions: { version?: string; expiresOn?: Date; tags?: Record<string, string> }[] = [];
            for await (const p of after.listPropertiesOfSecretVersions('integration-default-client-secret'))
                versions.push(p);
            expect(versions.find((v) => v.version === v1.properties.version)).toMatchObject({
                expiresOn: new Date('2031-01-01T00:00:00Z'),
                tags: { kind: 'client-secret' },
            });
            expect((await after.getDeletedSecret('deleted-one')).name).toBe('deleted-one');
        } finally {
            await second.stop();
        }
    });

    it('starts empty without a data folder (what npm start did before: issue 20)', async () => {
        const first = await startTrustedVault();
        await new SecretClient(first.url, new FixedTokenCredential(), {
            disableChallengeResourceVerification: true,
        }).setSecret('lost', 'v');
        const port = Number(new URL(first.url).port);
        await first.stop();
        const second = await startTrustedVault({ port });
        try {
            const after = new SecretClient(second.url, new FixedTokenCredential(), {
                disableChallengeResourceVerification: true,
                retryOptions: { maxRetries: 1, retryDelayInMs: 10 },
            });
            expect(await restErrorOf(after.getSecret('lost'))).toMatchObject({
                statusCode: 404,
                code: 'SecretNotFound',
            });
        } finally {
            await second.stop();
        }
    });
});
