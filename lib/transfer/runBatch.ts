import type { Logger } from '../logging/logger';
import { mapLimited } from '../notifications/concurrency';
import type { Services } from '../runtime/services';
import type { TransferBatchMessage } from '../sync/contracts';
import { BatchScope } from './batchScope';
import { SimulatedCrash } from './context';
import { enqueueTransfer } from './enqueue';
import {
    DEFAULT_BUDGET_MS,
    runTransfer,
    type Delivery,
    type DeliveryOutcome,
    type TransferOptions,
} from './runTransfer';

/**
 * Files of one batch copied side by side. Four, like rclone's `--transfers 4` in bench:peers: the host
 * runs several batch messages at once too (host.json batchSize), and on two cores more parallel copies
 * only queue up on the CPU.
 */
export const FILES_IN_PARALLEL = 4;

/** A file is not started with less of the batch's time budget left than this: it goes on alone. */
const MIN_START_MS = 30_000;

export interface BatchFileOutcome {
    transferId: string;
    direction: 'upload' | 'download';
    platformPath: string;
    outcome: DeliveryOutcome | 'not_started';
}

/**
 * Runs every file of a batch message as its own transfer: its own journal claim, lease, checkpoint and
 * outcome (runTransfer), so the batch is exactly as resumable as single messages. Returns when every
 * file is done with; throws (the queue redelivers the whole batch) when any file asked for a retry. A
 * redelivery claims each file again: those already finished answer `noop` from their journal row (one
 * read), one killed between its commit and its journal write finds its blob already committed (the
 * blob names the transfer), the others run. Each file's lease owner is the batch message id and the
 * file's place in it, so a redelivery may take over the leases of the delivery it replaces.
 *
 * The batch has one time budget (8 minutes), not one per file: a file started late gets what is left,
 * and one that would start with less than MIN_START_MS left goes back on the queue as its own message
 * (outcome `paused`; its journal row stays `queued`), so a batch of slow files never outruns the
 * function timeout.
 */
export async function runTransferBatch(
    services: Services,
    batch: TransferBatchMessage,
    delivery: Delivery,
    log: Logger,
    options: TransferOptions = {},
): Promise<BatchFileOutcome[]> {
    const scope = new BatchScope(
        services,
        batch.driveId,
        batch.transfers.map((m) => m.transferId),
    );
    const endsAt = Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
    let crashed = false;
    const settled = await mapLimited(
        batch.transfers.map((m, i) => [m, i] as const),
        FILES_IN_PARALLEL,
        async ([m, i]) => {
            // A process that died runs nothing more: the simulated one neither.
            if (crashed) return 'not_started' as const;
            const budgetMs = endsAt - Date.now();
            if (budgetMs < MIN_START_MS) {
                await enqueueTransfer(services, m);
                return 'paused' as const;
            }
            try {
                return await runTransfer(services, m, { ...delivery, messageId: `${delivery.messageId}:${i}` }, log, {
                    ...options,
                    budgetMs,
                    scope,
                });
            } catch (e) {
                if (e instanceof SimulatedCrash) crashed = true;
                throw e;
            }
        },
    );
    const failures = settled.filter((s) => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failures.length > 0) throw failures.find((e) => e instanceof SimulatedCrash) ?? failures[0];
    return batch.transfers.map((m, i) => ({
        transferId: m.transferId,
        direction: m.direction,
        platformPath: m.platformPath,
        outcome: (settled[i] as PromiseFulfilledResult<DeliveryOutcome | 'not_started'>).value,
    }));
}
