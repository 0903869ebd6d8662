import type { InvocationContext } from '@azure/functions';
import { queue, STORAGE_CONNECTION } from './definition';

/** The transfer queue: one message moves one file one way (lib/transfer). */
export async function transferHandler(input: unknown, context: InvocationContext): Promise<void> {
    const [{ getServices }, { createTransferHandler }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/transfer/handler'),
    ]);
    await createTransferHandler(getServices)(input, context);
}

export const transfer = queue('transfer', {
    queueName: '%TRANSFER_QUEUE_NAME%',
    connection: STORAGE_CONNECTION,
    handler: transferHandler,
});
