import type { QueueClient } from '@azure/storage-queue';

/**
 * Messages are JSON, base64-encoded, because host.json says `messageEncoding: base64` (the Functions
 * default): a raw message would fail decoding and go straight to the poison queue.
 */
export function encodeMessage(message: unknown): string {
    const json = JSON.stringify(message);
    // Storage queue messages are limited to 64 KiB; base64 inflates by a third.
    if (Buffer.byteLength(json) > 48 * 1024)
        throw new Error(`Queue message too large (${Buffer.byteLength(json)} bytes): send references, not payloads.`);
    return Buffer.from(json, 'utf8').toString('base64');
}

export async function sendMessage(
    queue: QueueClient,
    message: unknown,
    options: { delaySeconds?: number } = {},
): Promise<void> {
    await queue.sendMessage(
        encodeMessage(message),
        options.delaySeconds ? { visibilityTimeout: options.delaySeconds } : undefined,
    );
}

/** By queue URL: callers build a new QueueClient per send, and a create call per message is a wasted round trip. */
const created = new Map<string, Promise<unknown>>();

/** Creates the queue once per process (the Functions host creates trigger queues too, but not in tests). */
export async function ensureQueue(queue: QueueClient): Promise<QueueClient> {
    let p = created.get(queue.url);
    if (!p) {
        p = queue.createIfNotExists();
        created.set(queue.url, p);
        // A failed create is not remembered: the next send tries again.
        p.catch(() => created.delete(queue.url));
    }
    await p;
    return queue;
}
