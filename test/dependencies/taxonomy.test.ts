import { TableClient } from '@azure/data-tables';
import { CredentialUnavailableError } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TokenCacheError } from '../../lib/auth/tokenCache/errors';
import type { Config } from '../../lib/config/config';
import { DependencyFault, dependencyFaultIn } from '../../lib/dependencies';
import { startPrivateStorage, type PrivateStorage } from './storageHarness';

/**
 * The taxonomy, fed with what the real SDK clients throw against Azurite behind the fault proxy (Key
 * Vault's answers are covered with the real SecretClient in test/keyvault/faultsAndRestarts.test.ts):
 * each answer becomes one stable code, configuration or transient, with a hint that names the fix.
 */
let storage: PrivateStorage;
let config: Pick<Config, 'keyVault' | 'storage' | 'credential'>;
const noRetries = { retryOptions: { maxRetries: 0 } };

beforeAll(async () => {
    storage = await startPrivateStorage();
    config = {
        keyVault: { url: 'https://kv-contoso.vault.azure.net', disableChallengeResourceVerification: false },
        storage: { kind: 'connectionString', connectionString: storage.proxy.connectionString },
        credential: { kind: 'managedidentity', managedIdentityClientId: '3f0c1f0e-0000-4000-8000-00000000c1d0' },
    };
}, 60_000);

afterAll(async () => {
    await storage?.stop();
});

afterEach(() => storage.proxy.clear());

function table(): TableClient {
    return TableClient.fromConnectionString(storage.proxy.connectionString, 'taxonomy', {
        allowInsecureConnection: true,
        ...noRetries,
    });
}

async function faultOf(work: Promise<unknown>): Promise<DependencyFault | undefined> {
    try {
        await work;
    } catch (e) {
        return dependencyFaultIn(e, config);
    }
    throw new Error('expected the call to fail');
}

it('Table 503 ServerBusy and 500 OperationTimedOut are transient (throttled, unreachable) with Retry-After', async () => {
    await table().createTable();
    storage.proxy.inject({ service: 'table', status: 503, code: 'ServerBusy', times: 1, retryAfterSeconds: 7 });
    const busy = await faultOf(table().getEntity('p', 'r'));
    expect(busy).toMatchObject({
        code: 'storage_throttled',
        dependency: 'table',
        configuration: false,
        retryAfterSeconds: 7,
    });
    expect(busy!.toResponse().headers).toMatchObject({ 'retry-after': '7' });
    storage.proxy.inject({ service: 'table', status: 500, code: 'OperationTimedOut', times: 1 });
    expect(await faultOf(table().getEntity('p', 'r'))).toMatchObject({
        code: 'storage_unreachable',
        serviceCode: 'OperationTimedOut',
        configuration: false,
    });
});

it('a 403 names the data role of the service that refused, on the account', async () => {
    storage.proxy.inject({ service: 'table', status: 403, code: 'AuthorizationPermissionMismatch', times: 1 });
    const tableFault = await faultOf(table().getEntity('p', 'r'));
    expect(tableFault).toMatchObject({ code: 'storage_forbidden', dependency: 'table', configuration: true });
    expect(tableFault!.hint).toContain('"Storage Table Data Contributor" role on the storage account devstoreaccount1');

    const queues = QueueServiceClient.fromConnectionString(storage.proxy.connectionString, {
        retryOptions: { maxTries: 1 },
    });
    storage.proxy.inject({ service: 'queue', status: 403, code: 'AuthorizationPermissionMismatch', times: 1 });
    const queueFault = await faultOf(queues.getQueueClient('taxonomy-queue').getProperties());
    expect(queueFault).toMatchObject({ code: 'storage_forbidden', dependency: 'queue' });
    expect(queueFault!.hint).toContain('Storage Queue Data Contributor');

    const blobs = BlobServiceClient.fromConnectionString(storage.proxy.connectionString, {
        retryOptions: { maxTries: 1 },
    });
    storage.proxy.inject({ service: 'blob', status: 503, code: 'ServerBusy', times: 1 });
    expect(await faultOf(blobs.getContainerClient('taxonomy').getProperties())).toMatchObject({
        code: 'storage_throttled',
        dependency: 'blob',
    });
});

it('storage that does not answer is storage_unreachable', async () => {
    await storage.stopAzurite();
    try {
        const fault = await faultOf(table().getEntity('p', 'r'));
        expect(fault).toMatchObject({ code: 'storage_unreachable', kind: 'unreachable', configuration: false });
        expect(fault!.toResponse()).toMatchObject({
            status: 503,
            jsonBody: { error: { code: 'storage_unreachable' } },
        });
    } finally {
        await storage.startAzurite();
    }
}, 60_000);

it('identity and token-cache failures, and wrappers around them', () => {
    const identity = dependencyFaultIn(
        new CredentialUnavailableError('ManagedIdentityCredential: no endpoint'),
        config,
    );
    expect(identity).toMatchObject({ code: 'identity_unavailable', configuration: true });
    expect(identity!.hint).toContain('3f0c1f0e-0000-4000-8000-00000000c1d0');
    expect(dependencyFaultIn(new TokenCacheError('token_cache_conflict', 'lost the race'), config)).toMatchObject({
        code: 'token_cache_conflict',
        configuration: false,
    });
    // The Graph client carries a token failure as customError; an Error may carry it as cause.
    const inner = new CredentialUnavailableError('no identity');
    expect(dependencyFaultIn(Object.assign(new Error('graph'), { customError: inner }), config)?.code).toBe(
        'identity_unavailable',
    );
    expect(dependencyFaultIn(new Error('outer', { cause: inner }), config)?.code).toBe('identity_unavailable');
    // Not a dependency fault: a bug stays a bug (internal_error).
    expect(dependencyFaultIn(new TypeError('x is undefined'), config)).toBeUndefined();
    expect(dependencyFaultIn(new TokenCacheError('token_cache_integrity', 'tampered'), config)).toBeUndefined();
});
