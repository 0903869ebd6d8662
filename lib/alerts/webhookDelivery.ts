import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertDelivery, AlertRecord } from './alertModel';

/** How a webhook POST is retried within one attempt round (the daily timer starts another round). */
export interface RetryPolicy {
    attempts: number;
    /** Delay before each retry, in ms (index 0 = before the second attempt). */
    delaysMs: number[];
    timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delaysMs: [500, 2_000], timeoutMs: 5_000 };

/**
 * The alert webhook's signature, in one header, as Stripe signs its webhooks:
 *
 *     x-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<raw body>")>
 *
 * Signing the timestamp with the body (Stripe's `t.payload`, Standard Webhooks' `id.timestamp.payload`,
 * Slack's `v0:timestamp:body`) is what makes a captured request useless later: the receiver rejects a
 * timestamp outside its window (SIGNATURE_TOLERANCE_SECONDS) and, within it, an x-alert-id +
 * x-delivery-attempt it has already seen. Every attempt is signed afresh with its own timestamp.
 */
export const SIGNATURE_HEADER = 'x-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(key: string, body: string, timestamp: number): string {
    return `t=${timestamp},v1=${hmacHex(key, timestamp, body)}`;
}

/**
 * What the platform runs on receipt (the reference implementation; README "Security"): over the raw
 * body as received, before any JSON parsing. True only for a v1 signature by `key` whose timestamp is
 * within `toleranceSeconds` of `now`.
 */
export function verifySignature(
    header: string | null | undefined,
    body: string,
    key: string,
    now: Date = new Date(),
    toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
    const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
    const t = Number(parts.find(([k]) => k === 't')?.[1]);
    if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
    const expected = Buffer.from(hmacHex(key, t, body), 'hex');
    return parts
        .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
        .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}

function hmacHex(key: string, timestamp: number, body: string): string {
    return createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
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
    const result = await postSignedWithRetries(
        url,
        body,
        key,
        (attempt) => ({
            'content-type': 'application/json',
            'x-alert-id': alertId,
            'x-delivery-attempt': String(previous.attempts + attempt),
        }),
        policy,
        now,
    );
    const attempts = previous.attempts + result.attempts;
    return result.ok
        ? { state: 'delivered', attempts, lastAttemptAt: now().toISOString(), deliveredAt: now().toISOString() }
        : { state: 'failed', attempts, lastAttemptAt: now().toISOString(), lastError: result.error };
}

export interface PostResult {
    ok: boolean;
    /** POSTs made in this round. */
    attempts: number;
    /** Why the last one failed (status code or network error), never a response body. */
    error?: string;
}

/**
 * The signed POST with its retry policy, for any body the service pushes to the platform (alerts,
 * change events): each attempt signed afresh (`x-signature`), with the headers `headers(attempt)`
 * gives (attempt counts from 1 in this round).
 */
export async function postSignedWithRetries(
    url: string,
    body: string,
    key: string,
    headers: (attempt: number) => Record<string, string>,
    policy: RetryPolicy = DEFAULT_RETRY,
    now: () => Date = () => new Date(),
): Promise<PostResult> {
    let error = '';
    let attempts = 0;
    for (let i = 0; i < policy.attempts; i++) {
        if (i > 0) await sleep(policy.delaysMs[Math.min(i - 1, policy.delaysMs.length - 1)] ?? 0);
        attempts++;
        const signature = signBody(key, body, Math.floor(now().getTime() / 1000));
        const outcome = await postOnce(
            url,
            body,
            { ...headers(attempts), [SIGNATURE_HEADER]: signature },
            policy.timeoutMs,
        );
        if (outcome.ok) return { ok: true, attempts };
        error = outcome.error;
        if (!outcome.retryable) break;
    }
    return { ok: false, attempts, error };
}

async function postOnce(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
): Promise<{ ok: true } | { ok: false; retryable: boolean; error: string }> {
    try {
        const response = await fetch(url, {
            method: 'POST',
            headers,
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
