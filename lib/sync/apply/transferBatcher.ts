import type { TransactionAction } from '@azure/data-tables';
import { ensureQueue, sendMessage } from '../../storage/queueMessages';
import type { Services } from '../../runtime/services';
import type { TransferBatchMessage, TransferMessage } from '../contracts';
import { journalQueued, queuedRecord, toJournalRow } from '../state/transferJournal';

/**
 * Small files travel several to a queue message; large ones alone.
 *
 * Why (bench:peers, 500 files of 4–64 KB, 2 cores under load): one message per file cost the first sync
 * ~2 s per 100 files in `apply` (a journal write and a queue send awaited per file, 8 at a time), then
 * every file paid its own message round trip (receive, delete), its own drive, integration and
 * token-cache reads and its own change-feed append (a head read and a transaction, contended by the
 * files running beside it): about 16 Storage transactions and ~100 ms of CPU per 20 KB file, for two
 * Graph requests. A batch message pays those once for all its files (lib/transfer/runBatch.ts), while
 * each file keeps its own journal row, lease and outcome, so resuming and replaying stay per file.
 *
 * Copying small files inline in the run was the other option; it was not taken because the run would
 * then hold the drive's lease for the whole copy, and one slow file would delay the run's end (and
 * the next delta) instead of only its own batch.
 *
 * Large files (more than one range request and one block) keep their own message: their chunked
 * session or block list checkpoints per fragment and may pause across time-budget slices, and a batch
 * would make one slow file hold back the others' redelivery.
 */
export const SMALL_FILE_BYTES = 4 * 1024 * 1024;
/** With ~16 files a host batch of 4 messages (+2 prefetched) keeps every core busy on 500 files or more. */
export const FILES_PER_BATCH = 16;
/** A Storage message holds 64 KiB, base64 takes a third: stay well below encodeMessage's 48 KiB check. */
const BATCH_JSON_BYTES = 36 * 1024;
/** Journal transactions and sends in flight at once (the run's other actions share the account). */
const PARALLEL_SENDS = 4;
/** How long a partly filled batch waits for more files (the scheduler releases them microseconds apart). */
const LINGER_MS = 5;
/** Azure Table transactions take at most 100 operations. */
const ROWS_PER_TRANSACTION = 100;

interface Waiting {
    message: TransferMessage;
    done: (sent: boolean) => void;
    fail: (e: unknown) => void;
}

/** One per applied plan: collects transfer messages and sends them in batches (see above). */
export class TransferBatcher {
    private open: Waiting[] = [];
    private openBytes = 0;
    private timer: NodeJS.Timeout | undefined;
    private active = 0;
    private readonly queued: (() => void)[] = [];

    constructor(private readonly services: Services) {}

    /**
     * Resolves once the transfer is journaled `queued` and its message is on the queue: true when this
     * call sent it, false when its row was already past `queued` (a redelivered run; it is under way).
     */
    send(message: TransferMessage): Promise<boolean> {
        if (message.expected.size > SMALL_FILE_BYTES) return this.limited(() => this.sendAll([message])).then(only);
        return new Promise<boolean>((done, fail) => {
            const bytes = JSON.stringify(message).length;
            if (this.open.length > 0 && this.openBytes + bytes > BATCH_JSON_BYTES) this.flush();
            this.open.push({ message, done, fail });
            this.openBytes += bytes;
            if (this.open.length >= FILES_PER_BATCH) this.flush();
            else this.timer ??= setTimeout(() => this.flush(), LINGER_MS);
        });
    }

    private flush(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        const batch = this.open;
        this.open = [];
        this.openBytes = 0;
        if (batch.length === 0) return;
        this.limited(() => this.sendAll(batch.map((w) => w.message))).then(
            (sent) => batch.forEach((w, i) => w.done(sent[i]!)),
            (e: unknown) => batch.forEach((w) => w.fail(e)),
        );
    }

    /**
     * Journal rows first, then the message (the handler may run before this returns and must find its
     * rows). The rows go in one table transaction; if any exists already (a redelivered run), each row
     * is settled on its own and only those still `queued` are sent again.
     */
    private async sendAll(messages: TransferMessage[]): Promise<boolean[]> {
        const fresh = await this.createRows(messages).then(
            () => messages.map(() => true),
            () => Promise.all(messages.map((m) => journalQueued(this.services, m))),
        );
        const toSend = messages.filter((_, i) => fresh[i]);
        if (toSend.length > 0) {
            const queue = await ensureQueue(
                this.services.storage.queue.getQueueClient(this.services.config.queues.transfer),
            );
            await sendMessage(queue, toSend.length === 1 ? toSend[0] : batchOf(toSend));
        }
        return fresh;
    }

    private async createRows(messages: TransferMessage[]): Promise<void> {
        const table = await this.services.tables.get('transfers');
        for (let i = 0; i < messages.length; i += ROWS_PER_TRANSACTION) {
            const actions: TransactionAction[] = messages
                .slice(i, i + ROWS_PER_TRANSACTION)
                .map((m) => ['create', { ...toJournalRow(queuedRecord(m), m) }]);
            await table.submitTransaction(actions);
        }
    }

    private async limited<T>(work: () => Promise<T>): Promise<T> {
        if (this.active >= PARALLEL_SENDS) await new Promise<void>((resolve) => this.queued.push(resolve));
        this.active++;
        try {
            return await work();
        } finally {
            this.active--;
            this.queued.shift()?.();
        }
    }
}

function only(sent: boolean[]): boolean {
    return sent[0] === true;
}

function batchOf(transfers: TransferMessage[]): TransferBatchMessage {
    const first = transfers[0]!;
    return {
        kind: 'transferBatch',
        integrationId: first.integrationId,
        driveId: first.driveId,
        runId: first.runId,
        transfers,
    };
}
