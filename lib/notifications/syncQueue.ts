import type { Services } from '../runtime/services';
import { ensureQueue, sendMessage } from '../storage/queueMessages';
import type { SyncMessage } from '../sync/contracts';

/** Puts one SyncMessage on the sync queue, visible after `delaySeconds` (Storage queues allow up to 7 days). */
export async function enqueueSync(services: Services, message: SyncMessage, delaySeconds = 0): Promise<void> {
    const queue = await ensureQueue(services.storage.queue.getQueueClient(services.config.queues.sync));
    await sendMessage(queue, message, { delaySeconds });
}
