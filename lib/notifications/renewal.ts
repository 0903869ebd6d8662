import { listDrives } from '../drives/driveRepository';
import { graphClientForAccount } from '../graph/graphClient';
import { loadIntegration } from '../integration/integrationSettings';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { mapLimited } from './concurrency';
import { ensureSubscription } from './ensureSubscription';
import { deleteSubscription } from './graphSubscriptions';
import { DEFAULT_POLICY, NotificationPolicy } from './policy';
import type { DriveNotifications, NotificationState } from './subscriptionRecords';
import { inSlotHour } from './spread';
import { deleteSubscriptionRecord, listDriveNotifications, listSubscriptions } from './subscriptionStore';

export interface RenewalReport {
    drives: number;
    /** Drives looked at in this run: their hour of the day, or their subscription needs it now. */
    renewed: number;
    byState: Partial<Record<NotificationState, number>>;
    failed: number;
    orphansRemoved: number;
}

export const RENEWAL_WORK = 'renewal';
/** A subscription this close to its expiry is renewed whatever its hour (Graph's lifetime is ~29 days here). */
const RENEW_WITHIN_MS = 3 * 24 * 60 * 60_000;

/**
 * The renewal run, hourly: each connected drive gets its subscription renewed once a day, in its own
 * hour (lib/notifications/spread.ts), so 10,000 drives make about 420 PATCHes an hour instead of
 * 10,000 at once; a PATCH also reveals a subscription Graph dropped silently (404 ⇒ recreate and
 * sync). A drive without an active subscription (none yet, e.g. PUBLIC_BASE_URL became public; Graph
 * refused earlier; a sign-in failed) or with one expiring within 3 days is seen on every run.
 * Subscriptions no connected drive uses any more are deleted.
 */
export async function renewSubscriptions(
    services: Services,
    policy: NotificationPolicy = DEFAULT_POLICY,
    now = Date.now(),
): Promise<RenewalReport> {
    const integration = await loadIntegration(services);
    const report: RenewalReport = { drives: 0, renewed: 0, byState: {}, failed: 0, orphansRemoved: 0 };
    if (!integration) return report;
    const connected = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.status === 'connected',
    );
    report.drives = connected.length;
    const health = await listDriveNotifications(await services.tables.get('subscriptions'));
    const drives = connected.filter((d) => renewalDue(d.id, health.get(d.id), now));
    report.renewed = drives.length;
    const results = await mapLimited(drives, policy.renewalConcurrency, (d) =>
        ensureSubscription(services, integration, d, policy),
    );
    for (const r of results) {
        if (r.status === 'rejected') report.failed++;
        else report.byState[r.value.state] = (report.byState[r.value.state] ?? 0) + 1;
    }
    report.orphansRemoved = await removeOrphans(services, integration, new Set(connected.map((d) => d.id)));
    return report;
}

/** Whether this hour's run renews the drive: its hour of the day, or its subscription cannot wait. */
export function renewalDue(driveId: string, health: DriveNotifications | undefined, now: number): boolean {
    const settled =
        health?.state === 'active' && !!health.expiresAt && Date.parse(health.expiresAt) - now > RENEW_WITHIN_MS;
    return !settled || inSlotHour(driveId, RENEWAL_WORK, now);
}

async function removeOrphans(
    services: Services,
    integration: IntegrationRecord,
    connected: Set<string>,
): Promise<number> {
    const table = await services.tables.get('subscriptions');
    const orphans = (await listSubscriptions(table)).filter(
        (s) => s.integrationId === integration.id && !s.driveIds.some((id) => connected.has(id)),
    );
    let removed = 0;
    for (const sub of orphans) {
        try {
            const client = await graphClientForAccount(services, integration, sub.homeAccountId);
            await deleteSubscription(client, sub.subscriptionId);
        } catch {
            // The account may be gone: the subscription then expires on its own.
        }
        await deleteSubscriptionRecord(table, sub.subscriptionId);
        removed++;
    }
    return removed;
}
