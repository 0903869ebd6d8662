import { loadConfig } from '../../../lib/config/config';
import type { Services } from '../../../lib/runtime/services';
import { createStorageClients } from '../../../lib/storage/clients';
import { Tables } from '../../../lib/storage/tables';
import { acquireLease, LeaseLostError, type DriveLease } from '../../../lib/sync/engine/lease';
import { startPrivateStorage, type PrivateStorage } from '../../dependencies/storageHarness';
import { isolatedStorageSettings } from '../../support/uniqueNames';

/**
 * The drive lease on a slow storage account: its own Azurite behind the fault proxy, which holds the
 * lease row's requests back as a busy account answers late.
 */
let storage: PrivateStorage;
let services: Services;
const LEASE_MS = 3_000; // renewed every second
const leaseRow = { service: 'table' as const, match: { path: /RowKey='lease'/ } };

beforeAll(async () => {
    storage = await startPrivateStorage();
    const config = loadConfig({
        ...isolatedStorageSettings(),
        SyncStorage: storage.proxy.connectionString,
        KEY_VAULT_URL: 'https://vault.invalid',
        PUBLIC_BASE_URL: 'http://localhost:7071',
        AZURE_CREDENTIAL: 'dev',
    });
    const clients = await createStorageClients(config);
    services = {
        config,
        storage: clients,
        tables: new Tables(clients, config.tablePrefix),
        secrets: undefined as unknown as Services['secrets'],
    };
}, 60_000);
afterAll(() => storage?.stop());
afterEach(() => storage.proxy.clear());

async function take(driveId: string): Promise<DriveLease> {
    const taken = await acquireLease(services, driveId, `run_${driveId}`, LEASE_MS);
    if (!('lease' in taken)) throw new Error(`held by ${taken.heldBy}`);
    return taken.lease;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a renewal slower than the renewal interval is not overtaken by one with a stale ETag: the lease stays held', async () => {
    const lease = await take('drv_slow');
    // One renewal takes 1.5 s: before, the next tick sent a second renewal meanwhile with the same ETag;
    // one of the two then failed with 412 and the run gave up a lease nobody else held.
    storage.proxy.delay({ ...leaseRow, delayMs: 1_500, times: 1 });
    await sleep(4_200);
    expect(() => lease.assertHeld()).not.toThrow();
    await lease.release();
    // Released: another run takes it at once.
    await (await take('drv_slow')).release();
}, 30_000);

it('when renewals cannot get through before the lease runs out, the holder stops writing', async () => {
    const lease = await take('drv_stuck');
    storage.proxy.delay({ ...leaseRow, delayMs: 10_000 });
    await sleep(LEASE_MS + 500);
    expect(() => lease.assertHeld()).toThrow(LeaseLostError);
    storage.proxy.clear();
    await lease.release();
}, 30_000);
