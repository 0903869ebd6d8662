import type { SyncMessage } from '../../lib/sync/contracts';
import { getServices } from '../../lib/runtime/services';

/** Decodes a queue message the way the Functions host does with messageEncoding base64 (JSON inside). */
export function decodeMessage<T>(text: string): T {
    return JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as T;
}

/**
 * Takes one drive's visible sync messages off the sync queue, leaving other drives' messages for
 * their own tests (they reappear after a second).
 */
export async function takeSyncMessages(driveId: string): Promise<SyncMessage[]> {
    const s = await getServices();
    const queue = s.storage.queue.getQueueClient(s.config.queues.sync);
    await queue.createIfNotExists();
    const mine: SyncMessage[] = [];
    for (let round = 0; round < 5; round++) {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 1 });
        if (receivedMessageItems.length === 0) break;
        for (const m of receivedMessageItems) {
            const message = decodeMessage<SyncMessage>(m.messageText);
            if (message.driveId !== driveId) continue;
            await queue.deleteMessage(m.messageId, m.popReceipt);
            mine.push(message);
        }
    }
    return mine;
}
