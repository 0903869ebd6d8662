import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite, type Azurite } from '../../dev/azurite/azurite';
import { startStorageFaultProxy, type StorageFaultProxy } from '../../dev/storageFaults/storageFaultProxy';

/**
 * This suite's own Azurite (its data on disk, so it can be stopped and started again with everything
 * in it, on the same ports), and the fault proxy in front of it that the service talks to.
 */
export interface PrivateStorage {
    proxy: StorageFaultProxy;
    /** Stops Azurite (SIGTERM, as Ctrl-C does): every request through the proxy fails to connect. */
    stopAzurite(): Promise<void>;
    /** Starts it again on the same ports with the same data. */
    startAzurite(): Promise<void>;
    stop(): Promise<void>;
}

export async function startPrivateStorage(): Promise<PrivateStorage> {
    const location = mkdtempSync(path.join(tmpdir(), 'azurite-faults-'));
    let azurite: Azurite | undefined = await startAzurite({ location });
    const ports = {
        blob: Number(new URL(azurite.blobEndpoint).port),
        queue: Number(new URL(azurite.queueEndpoint).port),
        table: Number(new URL(azurite.tableEndpoint).port),
    };
    const proxy = await startStorageFaultProxy({
        blob: azurite.blobEndpoint,
        queue: azurite.queueEndpoint,
        table: azurite.tableEndpoint,
    });
    return {
        proxy,
        async stopAzurite() {
            await azurite?.stop();
            azurite = undefined;
        },
        async startAzurite() {
            azurite ??= await startAzurite({ location, ports });
        },
        async stop() {
            await proxy.stop();
            await azurite?.stop();
            rmSync(location, { recursive: true, force: true });
        },
    };
}
