import type { TriggerMetadata } from '@azure/functions';
import type { DequeuedMessageItem } from '@azure/storage-queue';

export type MessageEncoding = 'base64' | 'none';

/**
 * The message body as the handler sees it: decoded per host.json `messageEncoding`, then parsed when
 * it is JSON (the worker tries JSON.parse on every string input), otherwise the string itself.
 * Returns undefined when a base64 queue holds text that is not base64 (the classic producer mistake
 * of sending raw text with the v12 SDKs).
 */
export function decodeMessage(messageText: string, encoding: MessageEncoding): { input: unknown } | undefined {
    let text = messageText;
    if (encoding === 'base64') {
        const compact = messageText.replace(/\s+/g, '');
        if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
        text = Buffer.from(compact, 'base64').toString('utf8');
    }
    return { input: tryJsonParse(text) };
}

function tryJsonParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** The trigger metadata the worker passes for a queue message (camel-cased, as the library does). */
export function queueTriggerMetadata(message: DequeuedMessageItem, input: unknown): TriggerMetadata {
    return {
        dequeueCount: message.dequeueCount,
        id: message.messageId,
        popReceipt: message.popReceipt,
        insertionTime: message.insertedOn.toISOString(),
        expirationTime: message.expiresOn.toISOString(),
        nextVisibleTime: message.nextVisibleOn.toISOString(),
        queueTrigger: input,
    };
}
