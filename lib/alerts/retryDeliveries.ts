import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { consoleLogger } from '../logging/consoleLogger';
import { listAlertRecords } from './alertStore';
import { deliverAlert } from './deliverAlert';
import type { RetryPolicy } from './webhookDelivery';

/** After this many attempts (about ten daily rounds) a delivery is left failed for an admin to see. */
const MAX_ATTEMPTS = 30;

/**
 * The daily timer's second chance: every unresolved alert whose webhook delivery failed (or never
 * ran, e.g. the instance stopped between storing and sending) is sent again.
 */
export async function retryAlertDeliveries(
    services: Services,
    options: { log?: Logger; retry?: RetryPolicy } = {},
): Promise<{ attempted: number; delivered: number }> {
    if (!services.config.platformWebhookUrl) return { attempted: 0, delivered: 0 };
    const due = (await listAlertRecords(await services.tables.get('alerts'))).filter(
        (a) =>
            a.state !== 'resolved' &&
            ['pending', 'failed', 'not_configured'].includes(a.delivery.state) &&
            a.delivery.attempts < MAX_ATTEMPTS,
    );
    let delivered = 0;
    for (const alert of due) {
        const after = await deliverAlert(services, alert, options.log ?? consoleLogger, options.retry);
        if (after.delivery.state === 'delivered') delivered++;
    }
    return { attempted: due.length, delivered };
}
