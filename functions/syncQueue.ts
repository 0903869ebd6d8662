import type { InvocationContext } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { queue, STORAGE_CONNECTION } from './definition';

/**
 * The sync queue: one message reconciles one drive (lease → fold → delta → platform → plan → apply →
 * record). A message for a drive that is already syncing is absorbed; the running sync re-enqueues it.
 * A failure before the run could record itself (storage down) is thrown, so the queue delivers the
 * message again (bounded by maxDequeueCount); the log names the dependency fault.
 */
export async function syncQueueHandler(input: unknown, context: InvocationContext): Promise<void> {
    const [{ getServices }, { runSync, parseSyncMessage }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/engine'),
    ]);
    const log = createLogger(context);
    try {
        const message = parseSyncMessage(input);
        const deliveryId = context.triggerMetadata?.id;
        const result = await runSync(await getServices(), message, {
            log,
            ...(typeof deliveryId === 'string' && deliveryId ? { deliveryId } : {}),
        });
        if (result.outcome !== 'ran')
            log.info('Sync message absorbed', {
                ...result,
                run: undefined,
                driveId: message.driveId,
                runId: message.runId,
            });
    } catch (e) {
        const fault = (await import('../lib/dependencies/classify')).dependencyFaultIn(e);
        if (fault)
            log.warn('Sync message failed on a dependency; the queue delivers it again', {
                code: fault.code,
                message: fault.message,
                dequeueCount: context.triggerMetadata?.dequeueCount,
            });
        throw e;
    }
}

export const syncQueue = queue('syncQueue', {
    queueName: '%SYNC_QUEUE_NAME%',
    connection: STORAGE_CONNECTION,
    handler: syncQueueHandler,
});
