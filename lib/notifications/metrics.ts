import { recordMetric } from '../telemetry/telemetry';

/**
 * Per-instance counters of the webhook (read by tests and logged with each batch). Rejections are
 * counted, never acted on; a rising `rejected` means someone is posting forged notifications.
 */
export interface NotificationMetrics {
    received: number;
    accepted: number;
    rejected: number;
    unknownSubscription: number;
    lifecycle: number;
    enqueued: number;
    coalesced: number;
}

const metrics: NotificationMetrics = {
    received: 0,
    accepted: 0,
    rejected: 0,
    unknownSubscription: 0,
    lifecycle: 0,
    enqueued: 0,
    coalesced: 0,
};

/** Counts here (this instance, for its batch log line) and as the `notifications` metric (every instance). */
export function count(key: keyof NotificationMetrics, by = 1): void {
    metrics[key] += by;
    recordMetric('notifications', by, { result: key });
}

export function notificationMetrics(): Readonly<NotificationMetrics> {
    return { ...metrics };
}
