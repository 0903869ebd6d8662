import type { InvocationContext } from '@azure/functions';
import { createLogger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { parseTransferMessage } from './message';
import { runTransfer, type DeliveryOutcome, type TransferOptions } from './runTransfer';

/**
 * The `transfer` queue trigger: one message, one file, one direction. Returns normally when the
 * message is done with (succeeded, skipped, failed visibly, paused and re-enqueued, or a duplicate);
 * throws when the queue should deliver it again.
 */
export function createTransferHandler(getServices: () => Promise<Services>, options: TransferOptions = {}) {
    return async (input: unknown, context: InvocationContext): Promise<DeliveryOutcome | 'invalid'> => {
        const log = createLogger(context);
        const message = parseTransferMessage(input);
        if (!message) {
            // Not retried: no delivery will make it valid. The producer has a bug.
            log.error('transfer message is not a valid TransferMessage; dropped', {
                invocationId: context.invocationId,
            });
            return 'invalid';
        }
        const meta = context.triggerMetadata ?? {};
        const dequeueCount = Number(meta.dequeueCount ?? 1) || 1;
        const messageId = typeof meta.id === 'string' && meta.id ? meta.id : context.invocationId;
        return runTransfer(
            await getServices(),
            message,
            { messageId, dequeueCount, invocationId: context.invocationId },
            log,
            options,
        );
    };
}
