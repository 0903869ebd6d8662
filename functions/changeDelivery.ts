import type { InvocationContext, Timer } from '@azure/functions';
import { timer } from './definition';

/**
 * Every minute: pushes each drive's new change-feed events to PLATFORM_WEBHOOK_URL (signed CloudEvents
 * batches), from where the platform last answered 2xx. Nothing to do without the setting or new events.
 */
export async function changeDeliveryHandler(_timer: Timer, context: InvocationContext): Promise<void> {
    const [{ getServices }, { deliverChanges }, { createLogger }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/changes'),
        import('../lib/logging/logger'),
    ]);
    const services = await getServices();
    if (!services.config.platformWebhookUrl) return;
    const log = createLogger(context);
    const summary = await deliverChanges(services, { log });
    if (summary.delivered > 0 || summary.failed > 0) log.info('Change feed delivery done', { ...summary });
}

export const changeDelivery = timer('changeDelivery', { schedule: '0 */1 * * * *', handler: changeDeliveryHandler });
