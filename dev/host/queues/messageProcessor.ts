import type { StorageQueueFunctionOptions } from '@azure/functions';
import type { DequeuedMessageItem } from '@azure/storage-queue';
import type { QueueSettings } from '../hostJson';
import type { Invoker } from '../invocation';
import { decodeMessage, queueTriggerMetadata } from './messageContent';
import { MessageLease } from './messageLease';
import type { QueueTarget } from './queueTarget';

export interface ProcessorOptions {
    functionName: string;
    options: StorageQueueFunctionOptions;
    target: QueueTarget;
    settings: QueueSettings;
    leaseSeconds: number;
    invoker: Invoker;
}

/**
 * One message, the way the Storage extension's QueueProcessor handles it: run the handler under a
 * renewed lease; success deletes the message; failure makes it visible again after
 * `visibilityTimeout`, or, on the attempt that reaches `maxDequeueCount`, copies it unchanged to
 * `<queue>-poison` and deletes it.
 */
export class MessageProcessor {
    private poisonReady: Promise<unknown> | undefined;

    constructor(private readonly o: ProcessorOptions) {}

    async process(message: DequeuedMessageItem): Promise<void> {
        const { target, settings } = this.o;
        // Dequeued more often than allowed (e.g. by another consumer): straight to poison, unprocessed.
        if (message.dequeueCount > settings.maxDequeueCount) return this.moveToPoison(message, message.popReceipt);
        const decoded = decodeMessage(message.messageText, settings.messageEncoding);
        if (!decoded) {
            this.o.invoker.log(
                `Message '${message.messageId}' in queue '${target.name}' is not valid base64 (host.json messageEncoding is 'base64'): producers must send Buffer.from(text).toString('base64'). Moving it to '${target.poison.name}'.`,
            );
            return this.moveToPoison(message, message.popReceipt, false);
        }
        const lease = new MessageLease(target.queue, message, this.o.leaseSeconds, this.o.invoker.log);
        lease.start();
        let succeeded = false;
        try {
            await this.o.invoker.invoke({
                functionName: this.o.functionName,
                reason: `New queue message detected on '${target.name}'.`,
                trigger: {
                    type: 'queueTrigger',
                    name: 'queueItem',
                    queueName: target.name,
                    connection: this.o.options.connection,
                },
                triggerMetadata: queueTriggerMetadata(message, decoded.input),
                run: (context) => this.o.options.handler(decoded.input, context),
            });
            succeeded = true;
        } catch {
            // Logged by the invoker; what happens to the message is decided below.
        } finally {
            await lease.stop();
        }
        await this.settle(message, lease.popReceipt, succeeded);
    }

    private async settle(message: DequeuedMessageItem, popReceipt: string, succeeded: boolean): Promise<void> {
        const { target, settings } = this.o;
        try {
            if (succeeded) await target.queue.deleteMessage(message.messageId, popReceipt);
            else if (message.dequeueCount >= settings.maxDequeueCount) await this.moveToPoison(message, popReceipt);
            else
                await target.queue.updateMessage(
                    message.messageId,
                    popReceipt,
                    undefined,
                    Math.round(settings.visibilityTimeoutMs / 1000),
                );
        } catch (e) {
            // A lost lease (pop receipt no longer valid) means the message will be seen again: the host logs and moves on.
            this.o.invoker.log(
                `Could not settle message '${message.messageId}' in queue '${target.name}': ${e instanceof Error ? e.message : String(e)}`,
            );
        }
    }

    private async moveToPoison(message: DequeuedMessageItem, popReceipt: string, reachedMax = true): Promise<void> {
        const { target, settings } = this.o;
        if (reachedMax) {
            this.o.invoker.log(
                `Message has reached MaxDequeueCount of ${settings.maxDequeueCount}. Moving message to queue '${target.poison.name}'.`,
            );
        }
        this.poisonReady ??= target.poison.createIfNotExists();
        await this.poisonReady;
        // The original text, still encoded: a redrive to the source queue works unchanged.
        await target.poison.sendMessage(message.messageText);
        await target.queue.deleteMessage(message.messageId, popReceipt);
    }
}
