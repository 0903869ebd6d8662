import { listDrives } from '../drives/driveRepository';
import { graphClientForAccount } from '../graph/graphClient';
import { loadIntegration } from '../integration/integrationSettings';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { mapLimited } from './concurrency';
import { ensureSubscription } from './ensureSubscription';
import { deleteSubscription } from './graphSubscriptions';
import { DEFAULT_POLICY, NotificationPolicy } from './policy';
import type { NotificationState } from './subscriptionRecords';
import { deleteSubscriptionRecord, listSubscriptions } from './subscriptionStore';

export interface RenewalReport {
    drives: number;
    byState: Partial<Record<NotificationState, number>>;
    failed: number;
    orphansRemoved: number;
}

/**
 * The renewal run: every connected drive gets its subscription renewed (a PATCH, which also reveals a
 * subscription Graph dropped silently: 404 ⇒ recreate and sync), or created if it has none yet
 * (e.g. PUBLIC_BASE_URL became public, or Graph refused earlier). Subscriptions no connected drive
 * uses any more are deleted.
 */
export async function renewSubscriptions(
    services: Services,
    policy: NotificationPolicy = DEFAULT_POLICY,
): Promise<RenewalReport> {
    const integration = await loadIntegration(services);
    const report: RenewalReport = { drives: 0, byState: {}, failed: 0, orphansRemoved: 0 };
    if (!integration) return report;
    const drives = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.status === 'connected',
    );
    report.drives = drives.length;
    const results = await mapLimited(drives, policy.renewalConcurrency, (d) =>
        ensureSubscription(services, integration, d, policy),
    );
    for (const r of results) {
        if (r.status === 'rejected') report.failed++;
        else report.byState[r.value.state] = (report.byState[r.value.state] ?? 0) + 1;
    }
    report.orphansRemoved = await removeOrphans(services, integration, new Set(drives.map((d) => d.id)));
    return report;
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
