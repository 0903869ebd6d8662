import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';

/**
 * Keeps a message invisible while its handler runs: the host receives with a lease (10 minutes) and
 * renews it at half-time, so a long invocation is never handed to a second instance. Every renewal
 * returns a new pop receipt, which the final delete or update must use.
 */
export class MessageLease {
    private timer: NodeJS.Timeout | undefined;
    private pending: Promise<void> = Promise.resolve();
    popReceipt: string;

    constructor(
        private readonly queue: QueueClient,
        private readonly message: DequeuedMessageItem,
        private readonly leaseSeconds: number,
        private readonly log: (line: string) => void,
    ) {
        this.popReceipt = message.popReceipt;
    }

    start(): void {
        this.timer = setInterval(() => (this.pending = this.renew()), (this.leaseSeconds * 1000) / 2);
    }

    async stop(): Promise<void> {
        clearInterval(this.timer);
        await this.pending;
    }

    private async renew(): Promise<void> {
        try {
            const r = await this.queue.updateMessage(
                this.message.messageId,
                this.popReceipt,
                undefined,
                this.leaseSeconds,
            );
            this.popReceipt = r.popReceipt!;
        } catch (e) {
            this.log(
                `Could not renew the lease of message '${this.message.messageId}' in queue '${this.queue.name}': ${e instanceof Error ? e.message : String(e)}`,
            );
        }
    }
}
