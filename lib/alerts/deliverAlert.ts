import type { Services } from '../runtime/services';
import type { Logger } from '../logging/logger';
import type { AlertRecord } from './alertModel';
import { updateAlert } from './alertStore';
import { webhookSigningKey } from './webhookSigningKey';
import { DEFAULT_RETRY, postSigned, RetryPolicy, webhookBody } from './webhookDelivery';

/**
 * Sends one alert to PLATFORM_WEBHOOK_URL and records the outcome on the alert. A failure is stored,
 * never thrown: the alert itself is already saved, and the daily timer tries again.
 */
export async function deliverAlert(
    services: Services,
    alert: AlertRecord,
    log: Logger,
    policy: RetryPolicy = DEFAULT_RETRY,
): Promise<AlertRecord> {
    const url = services.config.platformWebhookUrl;
    if (!url) return alert;
    let delivery: AlertRecord['delivery'];
    try {
        const key = await webhookSigningKey(services.secrets);
        delivery = await postSigned(
            url,
            webhookBody(alert, new Date().toISOString()),
            key,
            alert.id,
            alert.delivery,
            policy,
        );
    } catch (e) {
        // Key Vault unreachable: same as a failed POST, retried later.
        delivery = {
            ...alert.delivery,
            state: 'failed',
            lastAttemptAt: new Date().toISOString(),
            lastError: `signing key unavailable (${(e as Error).message.slice(0, 100)})`,
        };
    }
    if (delivery.state === 'failed')
        log.warn('Alert webhook delivery failed; the daily timer retries it', {
            alertId: alert.id,
            attempts: delivery.attempts,
            lastError: delivery.lastError,
        });
    return saveDelivery(services, alert.id, delivery);
}

/** Writes only the delivery part, re-reading so a concurrent acknowledge is not overwritten. */
async function saveDelivery(
    services: Services,
    alertId: string,
    delivery: AlertRecord['delivery'],
): Promise<AlertRecord> {
    const table = await services.tables.get('alerts');
    return updateAlert(table, alertId, (current) => {
        if (!current) throw new Error(`Alert ${alertId} disappeared while being delivered.`);
        const next = { ...current, delivery };
        return { write: next, result: next };
    });
}
