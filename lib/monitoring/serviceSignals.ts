import { allCredentials, isStored, type StoredCredential } from '../credentials/credentialModel';
import { vaultExpiry } from '../credentials/credentialVault';
import { listDrives } from '../drives/driveRepository';
import { listIntegrations } from '../integration/integrationRepository';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { emitSignal } from './signals';
import { restStatus } from '../storage/restError';

const DAY = 86_400_000;

/**
 * The periodic signals (the serviceSignals timer, every 15 minutes): the depth of each poison queue,
 * every drive's status and every credential's days left. Azure's storage metrics count a whole
 * account's queue messages, not one queue's, so the poison depth has to come from the service.
 */
export async function reportServiceSignals(
    services: Services,
    log: Logger,
    now = new Date(),
): Promise<{ poisoned: number; drives: number; credentials: number }> {
    let poisoned = 0;
    for (const queue of [services.config.queues.sync, services.config.queues.transfer]) {
        const name = `${queue}-poison`;
        const messages = await poisonDepth(services, name);
        poisoned += messages;
        emitSignal(log, 'poison_queue', { queue: name, messages });
    }
    let drives = 0;
    let credentials = 0;
    for (const { record } of await listIntegrations(await services.tables.get('integrations'))) {
        for (const drive of await listDrives(await services.tables.get('drives'), record.id)) {
            drives++;
            emitSignal(log, 'drive_status', {
                integrationId: record.id,
                driveId: drive.id,
                status: drive.status,
                ...(drive.statusCause?.code ? { cause: drive.statusCause.code } : {}),
            });
        }
        const inUse = allCredentials(record).filter(
            (c): c is StoredCredential => isStored(c) && (c.state === 'active' || c.state === 'pending'),
        );
        for (const c of inUse) {
            const expiresOn = (await vaultExpiry(services.secrets, c).catch(() => undefined)) ?? new Date(c.expiresOn);
            credentials++;
            emitSignal(log, 'credential_expiry', {
                integrationId: record.id,
                credentialId: c.id,
                kind: c.kind,
                state: c.state,
                expiresOn: expiresOn.toISOString(),
                daysLeft: Math.floor((expiresOn.getTime() - now.getTime()) / DAY),
            });
        }
    }
    return { poisoned, drives, credentials };
}

/** Approximate, as Azure counts it; a poison queue the host has not created yet holds nothing. */
async function poisonDepth(services: Services, name: string): Promise<number> {
    try {
        return (await services.storage.queue.getQueueClient(name).getProperties()).approximateMessagesCount ?? 0;
    } catch (e) {
        if (restStatus(e) === 404) return 0;
        throw e;
    }
}
