import type { QueueSettings } from '../hostJson';
import type { LogSink } from '../invocation';
import type { MessageProcessor } from './messageProcessor';
import { PollingBackoff } from './pollingBackoff';
import type { QueueTarget } from './queueTarget';

// The host's first delay after an empty poll; the ceiling is host.json maxPollingInterval.
const MIN_POLLING_INTERVAL_MS = 100;
// The Storage API returns at most 32 messages per receive.
const MAX_BATCH = 32;

/**
 * Polls one queue like the host's QueueListener: receives up to `batchSize` messages and runs them
 * concurrently, fetches the next batch once no more than `newBatchThreshold` are still running
 * (so at most batchSize + newBatchThreshold run at once), and backs off exponentially while empty.
 */
export class QueueListener {
    private readonly inFlight = new Set<Promise<void>>();
    private readonly abort = new AbortController();
    private readonly backoff: PollingBackoff;
    private stopped = false;
    private loop: Promise<void> | undefined;
    private wake: (() => void) | undefined;

    constructor(
        private readonly target: QueueTarget,
        private readonly settings: QueueSettings,
        private readonly leaseSeconds: number,
        private readonly processor: MessageProcessor,
        private readonly log: LogSink,
    ) {
        this.backoff = new PollingBackoff(MIN_POLLING_INTERVAL_MS, settings.maxPollingIntervalMs);
    }

    /** Resolves once the queue exists (the host creates a trigger's queue at start-up) and polling has begun. */
    async start(): Promise<void> {
        await this.target.queue.createIfNotExists();
        this.loop = this.run();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        this.abort.abort();
        this.wake?.();
        await this.loop;
        await Promise.all(this.inFlight);
    }

    private async run(): Promise<void> {
        while (!this.stopped) {
            if (this.inFlight.size > this.settings.newBatchThreshold) {
                await Promise.race(this.inFlight);
                continue;
            }
            const received = await this.receive();
            if (received === undefined || received.length === 0) {
                await this.sleep(this.backoff.next());
                continue;
            }
            this.backoff.reset();
            for (const message of received) this.track(this.processor.process(message));
        }
    }

    private async receive() {
        try {
            const r = await this.target.queue.receiveMessages({
                numberOfMessages: Math.min(this.settings.batchSize, MAX_BATCH),
                visibilityTimeout: this.leaseSeconds,
                abortSignal: this.abort.signal,
            });
            return r.receivedMessageItems;
        } catch (e) {
            if (!this.stopped)
                this.log(`Polling queue '${this.target.name}' failed: ${e instanceof Error ? e.message : String(e)}`);
            return undefined;
        }
    }

    private track(work: Promise<void>): void {
        const p = work
            .catch((e: unknown) =>
                this.log(`Queue '${this.target.name}': ${e instanceof Error ? e.message : String(e)}`),
            )
            .finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
    }

    private sleep(ms: number): Promise<void> {
        if (this.stopped) return Promise.resolve();
        return new Promise((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
                clearTimeout(timer);
                resolve();
            }
            this.wake = done;
        });
    }
}
