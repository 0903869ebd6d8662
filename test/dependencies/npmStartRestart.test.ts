import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKeyVaultDouble, type KeyVaultDouble } from '../../dev/keyvault/keyVaultDouble';
import { startDemoSimulator } from '../../dev/m365/demoSimulator';
import { completeSignIn } from '../support/browser';
import {
    firstSync,
    newInstance,
    runFinished,
    startFaultService,
    syncNow,
    type FaultService,
} from './dependencyHarness';
import { startPrivateStorage, type PrivateStorage } from './storageHarness';

/**
 * `npm start` stopped (Ctrl-C) and started again, as issue 20 did it: Azurite keeps its data on disk,
 * and now so does the Key Vault double (.local/keyvault), so the integration still has its secret.
 */
let storage: PrivateStorage;
let vault: KeyVaultDouble;
let vaultDir: string;
let svc: FaultService;

beforeAll(async () => {
    storage = await startPrivateStorage();
    vaultDir = mkdtempSync(path.join(tmpdir(), 'kv-npm-start-'));
    vault = await startKeyVaultDouble({ dataDir: vaultDir });
    svc = await startFaultService({
        settings: { SyncStorage: storage.proxy.connectionString, KEY_VAULT_URL: vault.url },
    });
    await firstSync(svc);
}, 180_000);

afterAll(async () => {
    await svc?.stop();
    await vault?.stop();
    await storage?.stop();
    rmSync(vaultDir, { recursive: true, force: true });
});

it('after a restart of Azurite, the vault, the simulator and the service, the integration still works; drives reconnect once', async () => {
    const port = Number(new URL(vault.url).port);
    await vault.stop();
    await storage.stopAzurite();
    const simPort = svc.sim.simulator.port;
    await svc.sim.stop();
    newInstance();

    await storage.startAzurite();
    vault = await startKeyVaultDouble({ dataDir: vaultDir, port });
    // The simulator starts again from its seed: same tenant, app and secret, but it forgot every sign-in.
    const sim = await startDemoSimulator({ port: simPort });
    try {
        const status = await svc.env.api('GET', '/api/manage/integration/status?refresh=true');
        const checkpoints = (status.body as { checkpoints: { id: string; status: string }[] }).checkpoints;
        expect(checkpoints.find((c) => c.id === 'client_secret')).toMatchObject({ status: 'pass' });
        expect(checkpoints.find((c) => c.id === 'key_vault')).toMatchObject({ status: 'pass' });
        expect((await svc.env.api('GET', '/api/manage/integration')).body).not.toHaveProperty('fault');

        // Issue 20's symptom is gone: no credential fault. What the simulator forgot shows on the drive,
        // loudly: it must sign in again (and only that).
        const failed = await runFinished(svc, await syncNow(svc));
        expect(failed.error?.code).not.toBe('credential_missing');
        const drive = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
        expect(drive.body).toMatchObject({ status: 'needs_reauth' });

        const link = await svc.env.api('POST', `/api/drives/${svc.drive.id}/reconnect`, { body: {} });
        expect(link.status).toBe(200);
        const end = await completeSignIn(
            (link.body as { connectUrl: string }).connectUrl,
            sim.demo.users.adele.userPrincipalName,
            svc.browser,
        );
        expect(end.body).toContain('<h1>Connected</h1>');
        const run = await runFinished(svc, await syncNow(svc));
        expect(run.status).toBe('succeeded');
    } finally {
        await sim.stop();
    }
}, 180_000);
