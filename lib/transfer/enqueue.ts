import type { Services } from '../runtime/services';
import { ensureQueue, sendMessage } from '../storage/queueMessages';
import type { TransferMessage } from '../sync/contracts';

/** Puts a transfer (back) on the transfer queue, optionally invisible for a while (max 7 days). */
export async function enqueueTransfer(services: Services, message: TransferMessage, delaySeconds = 0): Promise<void> {
    const queue = await ensureQueue(services.storage.queue.getQueueClient(services.config.queues.transfer));
    await sendMessage(queue, message, { delaySeconds: Math.min(Math.max(0, Math.ceil(delaySeconds)), 7 * 24 * 3600) });
}
