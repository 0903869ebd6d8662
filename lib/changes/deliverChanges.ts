import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { webhookSigningKey } from '../alerts/webhookSigningKey';
import { DEFAULT_RETRY, postSignedWithRetries, type RetryPolicy } from '../alerts/webhookDelivery';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { DELIVERY_PREFIX, feedDrives, feedPartition, readAfter, readHead } from './changeLog';
import { CLOUDEVENTS_BATCH_TYPE, toCloudEvent } from './cloudEvents';
import { restStatus } from '../storage/restError';

/** Events per POST (one CloudEvents batch). */
export const DELIVERY_BATCH = 100;
/** How long one instance holds a drive's delivery (another instance skips it meanwhile). */
const LEASE_MS = 2 * 60_000;
/** After a failed round: 1, 2, 4… minutes between rounds, at most an hour. */
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 60 * 60_000;

/**
 * Where one subscriber (a webhook URL) is in one drive's feed. The cursor moves only after the
 * platform answered 2xx for a batch, so whatever the platform did not acknowledge is sent again:
 * nothing is lost while it is down, and an event may arrive twice (with the same CloudEvents id).
 */
interface DeliveryRow {
    partitionKey: string;
    rowKey: string;
    cursor: number;
    failures: number;
    nextAttemptAt?: string;
    leaseUntil?: string;
    lastError?: string;
    lastDeliveredAt?: string;
}

export interface DeliveryOptions {
    log: Logger;
    retry?: RetryPolicy;
    now?: () => Date;
    /** Ignore the backoff of earlier failed rounds (tests; an operator's "retry now"). */
    ignoreBackoff?: boolean;
}

export interface DeliverySummary {
    drives: number;
    delivered: number;
    failed: number;
}

/**
 * The delivery timer: for every drive with a feed, POSTs the events the subscriber has not
 * acknowledged to PLATFORM_WEBHOOK_URL as signed CloudEvents batches, in feed order.
 */
export async function deliverChanges(services: Services, options: DeliveryOptions): Promise<DeliverySummary> {
    const url = services.config.platformWebhookUrl;
    const summary: DeliverySummary = { drives: 0, delivered: 0, failed: 0 };
    if (!url) return summary;
    const table = await services.tables.get('changes');
    const key = await webhookSigningKey(services.secrets);
    for await (const driveId of feedDrives(table)) {
        summary.drives++;
        const r = await deliverDrive(services, table, driveId, url, key, options);
        summary.delivered += r.delivered;
        if (r.failed) summary.failed++;
    }
    return summary;
}

async function deliverDrive(
    services: Services,
    table: TableClient,
    driveId: string,
    url: string,
    key: string,
    options: DeliveryOptions,
): Promise<{ delivered: number; failed: boolean }> {
    const now = options.now ?? (() => new Date());
    const head = await readHead(table, driveId);
    const claimed = await claim(table, driveId, url, head.sequence, now(), options.ignoreBackoff ?? false);
    if (!claimed) return { delivered: 0, failed: false };
    let { row, etag } = claimed;
    if (row.cursor < head.purgedThrough) {
        // The platform was unreachable for longer than the feed keeps events: say so, go on from what is kept.
        options.log.error('Change feed delivery skipped events removed by retention', {
            driveId,
            from: row.cursor,
            to: head.purgedThrough,
            retentionDays: services.config.changeFeed.retentionDays,
        });
        row = { ...row, cursor: head.purgedThrough };
    }
    let delivered = 0;
    for (;;) {
        const events = await readAfter(table, driveId, row.cursor, DELIVERY_BATCH);
        if (events.length === 0) break;
        const body = JSON.stringify(events.map((e) => toCloudEvent(e, services.config.publicBaseUrl)));
        const first = events[0]!.sequence;
        const last = events[events.length - 1]!.sequence;
        const result = await postSignedWithRetries(
            url,
            body,
            key,
            (attempt) => ({
                'content-type': CLOUDEVENTS_BATCH_TYPE,
                'x-delivery-id': `${driveId}:${first}-${last}`,
                'x-delivery-attempt': String(row.failures + attempt),
            }),
            options.retry ?? DEFAULT_RETRY,
            now,
        );
        if (!result.ok) {
            const failures = row.failures + 1;
            const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
            options.log.warn('Change feed delivery failed; retried later from the same cursor', {
                driveId,
                cursor: row.cursor,
                failures,
                lastError: result.error,
            });
            await save(
                table,
                { ...row, failures, lastError: result.error, nextAttemptAt: iso(now(), wait), leaseUntil: '' },
                etag,
            );
            return { delivered, failed: true };
        }
        delivered += events.length;
        row = {
            ...row,
            cursor: last,
            failures: 0,
            lastError: '',
            nextAttemptAt: '',
            lastDeliveredAt: now().toISOString(),
        };
        const saved = await save(table, { ...row, leaseUntil: iso(now(), LEASE_MS) }, etag);
        if (!saved) return { delivered, failed: false }; // another instance took over after our lease ran out
        etag = saved;
    }
    await save(table, { ...row, leaseUntil: '' }, etag);
    return { delivered, failed: false };
}

/** The subscriber's row, leased to this instance, when it has something due; else undefined. */
async function claim(
    table: TableClient,
    driveId: string,
    url: string,
    newest: number,
    now: Date,
    ignoreBackoff: boolean,
): Promise<{ row: DeliveryRow; etag: string } | undefined> {
    const partitionKey = feedPartition(driveId);
    const rowKey = `${DELIVERY_PREFIX}${subscriberKey(url)}`;
    let current: (DeliveryRow & { etag?: string }) | undefined;
    try {
        current = await table.getEntity<DeliveryRow>(partitionKey, rowKey);
    } catch (e) {
        if (restStatus(e) !== 404) throw e;
    }
    const row: DeliveryRow = current
        ? {
              partitionKey,
              rowKey,
              cursor: Number(current.cursor),
              failures: Number(current.failures ?? 0),
              nextAttemptAt: current.nextAttemptAt ?? '',
              lastError: current.lastError ?? '',
              lastDeliveredAt: current.lastDeliveredAt ?? '',
          }
        : { partitionKey, rowKey, cursor: 0, failures: 0 };
    if (row.cursor >= newest) return undefined;
    if (current?.leaseUntil && current.leaseUntil > now.toISOString()) return undefined;
    if (!ignoreBackoff && row.nextAttemptAt && row.nextAttemptAt > now.toISOString()) return undefined;
    const leased = { ...row, leaseUntil: iso(now, LEASE_MS) };
    try {
        const response = current
            ? await table.updateEntity(leased, 'Replace', { etag: current.etag })
            : await table.createEntity(leased);
        return { row, etag: response.etag! };
    } catch (e) {
        if (restStatus(e) === 412 || restStatus(e) === 409) return undefined; // another instance claimed it
        throw e;
    }
}

/** Writes the row if this instance still holds it; returns the new ETag, or undefined if it lost it. */
async function save(table: TableClient, row: DeliveryRow, etag: string): Promise<string | undefined> {
    try {
        return (await table.updateEntity(row, 'Replace', { etag })).etag;
    } catch (e) {
        if (restStatus(e) === 412) return undefined;
        throw e;
    }
}

/** One cursor per webhook URL: changing the URL starts the new subscriber from the oldest kept event. */
function subscriberKey(url: string): string {
    return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

function iso(from: Date, plusMs: number): string {
    return new Date(from.getTime() + plusMs).toISOString();
}
