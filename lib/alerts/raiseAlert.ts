import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { consoleLogger } from '../logging/consoleLogger';
import type { AlertInput, AlertRecord } from './alertModel';
import { claimDedup, getAlert, getDedup, listAlertRecords, putAlert, updateAlert } from './alertStore';
import { deliverAlert } from './deliverAlert';
import type { RetryPolicy } from './webhookDelivery';

export interface RaiseOptions {
    log?: Logger;
    now?: Date;
    retry?: RetryPolicy;
}

/**
 * Raises an alert for a condition, once: while an alert with the same key is open or acknowledged,
 * raising again returns that alert (`raised: false`). After it is resolved, the condition coming back
 * raises a new alert. Each new alert is stored first, then logged as a warning and sent to the
 * platform's webhook; a failed delivery leaves it stored with its delivery state.
 */
export async function raiseAlert(
    services: Services,
    input: AlertInput,
    options: RaiseOptions = {},
): Promise<{ alert: AlertRecord; raised: boolean }> {
    const table = await services.tables.get('alerts');
    const log = options.log ?? consoleLogger;
    for (let attempt = 0; attempt < 5; attempt++) {
        const dedup = await getDedup(table, input.key);
        const current = dedup ? await getAlert(table, dedup.alertId) : undefined;
        if (current && current.alert.state !== 'resolved') return { alert: current.alert, raised: false };
        const alert = newAlert(services, input, options.now ?? new Date());
        if (!(await claimDedup(table, input.key, alert.id, dedup))) continue; // someone else raised it: read theirs
        await putAlert(table, alert);
        log.warn(`Alert raised: ${alert.title}`, {
            alertId: alert.id,
            key: alert.key,
            severity: alert.severity,
            kind: alert.kind,
            subject: alert.subject,
            message: alert.message,
            hint: alert.hint,
        });
        return { alert: await deliverAlert(services, alert, log, options.retry), raised: true };
    }
    throw new Error(`Could not raise alert ${input.key}: too many concurrent writers.`);
}

function newAlert(services: Services, input: AlertInput, now: Date): AlertRecord {
    return {
        ...input,
        id: `alt_${randomBytes(9).toString('base64url')}`,
        state: 'open',
        raisedAt: now.toISOString(),
        delivery: { state: services.config.platformWebhookUrl ? 'pending' : 'not_configured', attempts: 0 },
    };
}

/** Resolves the open alert of a condition (it cleared: drive reconnected, credential rotated…). */
export async function resolveAlert(
    services: Services,
    key: string,
    resolution: string,
    now = new Date(),
): Promise<AlertRecord | undefined> {
    const table = await services.tables.get('alerts');
    const dedup = await getDedup(table, key);
    if (!dedup) return undefined;
    return resolveById(services, dedup.alertId, resolution, now);
}

/** Resolves every unresolved alert the predicate selects; returns what it resolved. */
export async function resolveAlerts(
    services: Services,
    select: (alert: AlertRecord) => boolean,
    resolution: string,
    now = new Date(),
): Promise<AlertRecord[]> {
    const table = await services.tables.get('alerts');
    const targets = (await listAlertRecords(table)).filter((a) => a.state !== 'resolved' && select(a));
    const resolved: AlertRecord[] = [];
    for (const a of targets) {
        const r = await resolveById(services, a.id, resolution, now);
        if (r) resolved.push(r);
    }
    return resolved;
}

async function resolveById(
    services: Services,
    alertId: string,
    resolution: string,
    now: Date,
): Promise<AlertRecord | undefined> {
    const table = await services.tables.get('alerts');
    return updateAlert<AlertRecord | undefined>(table, alertId, (current) => {
        if (!current || current.state === 'resolved') return { done: undefined };
        const next: AlertRecord = { ...current, state: 'resolved', resolvedAt: now.toISOString(), resolution };
        return { write: next, result: next };
    });
}
