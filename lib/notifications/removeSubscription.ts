import type { DriveRecord } from '../drives/driveRecord';
import { graphClientForAccount } from '../graph/graphClient';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { deleteSubscription } from './graphSubscriptions';
import {
    deleteDriveNotifications,
    deleteSubscriptionRecord,
    getDriveNotifications,
    getSubscription,
    putSubscription,
} from './subscriptionStore';
import { forgetSyncRequests } from './syncRequests';

/**
 * A drive is being removed (or its integration is): it leaves its subscription, which is deleted at
 * Graph once no drive uses it. Best effort and never throws: a subscription left behind expires on its
 * own, and its notifications no longer match a drive.
 */
export async function removeDriveSubscription(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<{ deleted: boolean }> {
    try {
        const table = await services.tables.get('subscriptions');
        const row = await getDriveNotifications(table, drive.id);
        const sub = row?.subscriptionId ? await getSubscription(table, row.subscriptionId) : undefined;
        let deleted = false;
        if (sub) {
            const driveIds = sub.driveIds.filter((id) => id !== drive.id);
            if (driveIds.length > 0) {
                await putSubscription(table, { ...sub, driveIds });
            } else {
                // The creator's token deletes it; the drive's own account is the fallback (same account in practice).
                const client = await graphClientForAccount(
                    services,
                    integration,
                    sub.homeAccountId ?? drive.account?.homeAccountId,
                );
                deleted = (await deleteSubscription(client, sub.subscriptionId)).ok;
                if (deleted) await deleteSubscriptionRecord(table, sub.subscriptionId);
            }
        }
        await deleteDriveNotifications(table, drive.id);
        await forgetSyncRequests(table, drive.id);
        return { deleted };
    } catch {
        return { deleted: false };
    }
}
