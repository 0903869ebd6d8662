import { createHmac } from 'node:crypto';
import type { AlertDelivery, AlertRecord } from './alertModel';

/** How a webhook POST is retried within one attempt round (the daily timer starts another round). */
export interface RetryPolicy {
    attempts: number;
    /** Delay before each retry, in ms (index 0 = before the second attempt). */
    delaysMs: number[];
    timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delaysMs: [500, 2_000], timeoutMs: 5_000 };

/** `sha256=<hex>` of HMAC-SHA256(key, raw body), as GitHub-style webhooks sign. */
export function signBody(key: string, body: string): string {
    return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

/** What the platform receives: the alert without internal delivery bookkeeping. */
export function webhookBody(alert: AlertRecord, sentAt: string): string {
    const { delivery: _delivery, ...publicAlert } = alert;
    return JSON.stringify({ type: 'alert.raised', sentAt, alert: publicAlert });
}

/**
 * POSTs the body with bounded retries: network errors, 408, 429 and 5xx are retried; any other 4xx is
 * the platform refusing it, so retrying would not help. Returns the delivery state to store.
 */
export async function postSigned(
    url: string,
    body: string,
    key: string,
    alertId: string,
    previous: AlertDelivery,
    policy: RetryPolicy = DEFAULT_RETRY,
    now: () => Date = () => new Date(),
): Promise<AlertDelivery> {
    const signature = signBody(key, body);
    let attempts = previous.attempts;
    let lastError = '';
    for (let i = 0; i < policy.attempts; i++) {
        if (i > 0) await sleep(policy.delaysMs[Math.min(i - 1, policy.delaysMs.length - 1)] ?? 0);
        attempts++;
        const outcome = await postOnce(url, body, signature, alertId, attempts, policy.timeoutMs);
        if (outcome.ok)
            return {
                state: 'delivered',
                attempts,
                lastAttemptAt: now().toISOString(),
                deliveredAt: now().toISOString(),
            };
        lastError = outcome.error;
        if (!outcome.retryable) break;
    }
    return { state: 'failed', attempts, lastAttemptAt: now().toISOString(), lastError };
}

async function postOnce(
    url: string,
    body: string,
    signature: string,
    alertId: string,
    attempt: number,
    timeoutMs: number,
): Promise<{ ok: true } | { ok: false; retryable: boolean; error: string }> {
    try {
        const response = await fetch(url, {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                'x-signature-256': signature,
                'x-alert-id': alertId,
                'x-delivery-attempt': String(attempt),
            },
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) return { ok: true };
        const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        return { ok: false, retryable, error: `HTTP ${response.status}` };
    } catch (e) {
        return {
            ok: false,
            retryable: true,
            error:
                (e as Error).name === 'TimeoutError'
                    ? 'timeout'
                    : `network error (${(e as Error).message.slice(0, 100)})`,
        };
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
