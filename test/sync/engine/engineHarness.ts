import { functions } from '../../../functions/registry';
import type { SyncMessage } from '../../../lib/sync/contracts';
import { runSync, type RunSyncOptions, type SyncResult } from '../../../lib/sync/engine';
import { getServices, type Services } from '../../../lib/runtime/services';
import { startConnectedService, type ConnectedService } from '../../support/connectedService';
import { takeSyncMessages } from '../../support/queueMessages';

export { takeSyncMessages };

/**
 * The service with the sync routes and the transfer handler on the local host, against the demo
 * simulator. The sync queue is NOT pumped by the host: tests take its messages and hand them to the
 * real handler core (runSync) themselves, so they decide when (and how concurrently) runs happen.
 */
export async function startSyncService(logLines?: string[]): Promise<ConnectedService> {
    const service = await startConnectedService({
        functions: functions.filter((f) => f.name !== 'syncQueue'),
        logLines,
    });
    const configured = await service.configure();
    if (configured.status >= 300) throw new Error(`configure answered ${configured.status}`);
    return service;
}

export async function services(): Promise<Services> {
    return getServices();
}

export async function runMessages(driveId: string, options?: RunSyncOptions): Promise<SyncResult[]> {
    const out: SyncResult[] = [];
    for (const m of await takeSyncMessages(driveId)) out.push(await runSync(await services(), m, options));
    return out;
}

export function message(integrationId: string, driveId: string, extra: Partial<SyncMessage> = {}): SyncMessage {
    return { kind: 'sync', integrationId, driveId, trigger: 'manual', requestedAt: new Date().toISOString(), ...extra };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}
