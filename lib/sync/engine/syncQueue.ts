import type { Services } from '../../runtime/services';
import { ensureQueue, sendMessage } from '../../storage/queueMessages';
import type { SyncMessage } from '../contracts';

/** Sends one sync message (base64 JSON, as host.json expects) to the configured sync queue. */
export async function sendSyncMessage(services: Services, message: SyncMessage, delaySeconds = 0): Promise<void> {
    const queue = await ensureQueue(services.storage.queue.getQueueClient(services.config.queues.sync));
    await sendMessage(queue, message, { delaySeconds });
}
