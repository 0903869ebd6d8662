import type { InvocationContext } from '@azure/functions';
import { createLogger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { parseTransferBatch, parseTransferMessage } from './message';
import { runTransferBatch, type BatchFileOutcome } from './runBatch';
import { runTransfer, type DeliveryOutcome, type TransferOptions } from './runTransfer';

/**
 * The `transfer` queue trigger: one message, one file, one direction; or a batch of small files
 * (runBatch.ts), each its own transfer. Returns normally when the message is done with (succeeded,
 * skipped, failed visibly, paused and re-enqueued, or a duplicate); throws when the queue should
 * deliver it again.
 */
export function createTransferHandler(getServices: () => Promise<Services>, options: TransferOptions = {}) {
    return async (
        input: unknown,
        context: InvocationContext,
    ): Promise<DeliveryOutcome | 'invalid' | BatchFileOutcome[]> => {
        const log = createLogger(context);
        const meta = context.triggerMetadata ?? {};
        const dequeueCount = Number(meta.dequeueCount ?? 1) || 1;
        const messageId = typeof meta.id === 'string' && meta.id ? meta.id : context.invocationId;
        const delivery = { messageId, dequeueCount, invocationId: context.invocationId };
        const batch = parseTransferBatch(input);
        if (batch) return runTransferBatch(await getServices(), batch, delivery, log, options);
        const message = parseTransferMessage(input);
        if (!message) {
            // Not retried: no delivery will make it valid. The producer has a bug.
            log.error('transfer message is not a valid TransferMessage; dropped', {
                invocationId: context.invocationId,
            });
            return 'invalid';
        }
        return runTransfer(await getServices(), message, delivery, log, options);
    };
}
