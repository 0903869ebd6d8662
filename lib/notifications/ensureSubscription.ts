import type { Client } from '@microsoft/microsoft-graph-client';
import type { DriveRecord } from '../drives/driveRecord';
import { graphClientForAccount, signInFailureIn } from '../graph/graphClient';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { hashClientState, newClientState } from './clientState';
import { markDrive } from './driveNotifications';
import {
    createSubscription,
    deleteSubscription,
    existingSubscriptionId,
    renewSubscription,
} from './graphSubscriptions';
import { notificationUrl } from './notificationUrl';
import { DEFAULT_POLICY, expirationFrom, NotificationPolicy } from './policy';
import type { DriveNotifications, SubscriptionRecord } from './subscriptionRecords';
import { deleteSubscriptionRecord, getDriveNotifications, getSubscription, putSubscription } from './subscriptionStore';
import { raiseSubscriptionAlert, resolveSubscriptionAlert } from './subscriptionAlerts';
import { requestSync } from './syncRequests';
import { GraphError } from '../graph/graphError';

/**
 * Makes sure a connected drive has a live Graph subscription: renews the one it has, recreates it if
 * Graph forgot it (404), adopts the one Graph says exists (409) when we hold its clientState, or
 * creates one. When none can be had the drive's record says why and the drive syncs on its schedule.
 */
type ConnectedDrive = DriveRecord & Required<Pick<DriveRecord, 'account' | 'graph'>>;

interface Context {
    services: Services;
    integration: IntegrationRecord;
    drive: ConnectedDrive;
    url: string;
    client: Client;
    policy: NotificationPolicy;
}

export async function ensureSubscription(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
    policy: NotificationPolicy = DEFAULT_POLICY,
): Promise<DriveNotifications> {
    const table = await services.tables.get('subscriptions');
    if (drive.status === 'connected' && drive.auth === 'app') {
        return markDrive(table, drive, 'unavailable', {
            reason: {
                code: 'app_only_drive',
                message:
                    'Change notifications are not set up for app-only drives yet: this drive syncs on its schedule.',
            },
        });
    }
    if (drive.status !== 'connected' || !drive.account || !drive.graph) {
        return markDrive(table, drive, 'off', {
            reason: { code: 'drive_not_connected', message: 'Notifications start once the drive is connected.' },
        });
    }
    const url = notificationUrl(services.config);
    if (!url.ok) return markDrive(table, drive, 'unavailable', { reason: { code: url.code, message: url.message } });
    try {
        const client = await graphClientForAccount(services, integration, drive.account.homeAccountId);
        return await ensureWith({
            services,
            integration,
            drive: drive as ConnectedDrive,
            url: url.url,
            client,
            policy,
        });
    } catch (e) {
        const signIn = signInFailureIn(e);
        if (!signIn) throw e;
        return markDrive(table, drive, 'error', {
            reason: { code: signIn.failure.code, message: signIn.failure.message },
        });
    }
}

/** Never throws: connecting a drive must not fail because notifications could not be set up. */
export async function ensureSubscriptionSafely(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<DriveNotifications | undefined> {
    try {
        return await ensureSubscription(services, integration, drive);
    } catch (e) {
        const reason = {
            code: 'subscription_setup_failed',
            message: e instanceof Error ? e.message.slice(0, 300) : 'Unknown error.',
        };
        await raiseSubscriptionAlert(services, drive, reason);
        return markDrive(await services.tables.get('subscriptions'), drive, 'error', { reason }).catch(() => undefined);
    }
}

async function ensureWith(c: Context): Promise<DriveNotifications> {
    const table = await c.services.tables.get('subscriptions');
    const current = await getDriveNotifications(table, c.drive.id);
    const existing = current?.subscriptionId ? await getSubscription(table, current.subscriptionId) : undefined;
    if (existing && existing.graphDriveId === c.drive.graph.driveId) return renewOrRecreate(c, existing);
    if (existing) await detachDrive(c, existing);
    return create(c, true);
}

/** PATCHes the expiration; a 404 means Graph dropped it silently: recreate and sync (changes were missed). */
async function renewOrRecreate(c: Context, sub: SubscriptionRecord): Promise<DriveNotifications> {
    const table = await c.services.tables.get('subscriptions');
    const renewed = await renewSubscription(c.client, sub.subscriptionId, expirationFrom(Date.now(), c.policy));
    if (renewed.ok) {
        const next = {
            ...sub,
            driveIds: union(sub.driveIds, c.drive.id),
            expiresAt: renewed.value.expirationDateTime,
            renewedAt: new Date().toISOString(),
        };
        await putSubscription(table, next);
        await resolveSubscriptionAlert(c.services, c.drive);
        return markDrive(table, c.drive, 'active', { subscriptionId: sub.subscriptionId, expiresAt: next.expiresAt });
    }
    if (renewed.failure.status !== 404) return markFailure(c, renewed.failure);
    await deleteSubscriptionRecord(table, sub.subscriptionId);
    const result = await create(c, true, sub.driveIds);
    if (result.state === 'active') {
        for (const driveId of union(sub.driveIds, c.drive.id))
            await requestSync(c.services, { integrationId: c.integration.id, driveId }, c.policy);
    }
    return result;
}

async function create(c: Context, mayRetry: boolean, alsoServes: string[] = []): Promise<DriveNotifications> {
    const table = await c.services.tables.get('subscriptions');
    const clientState = newClientState();
    const created = await createSubscription(c.client, {
        graphDriveId: c.drive.graph.driveId,
        notificationUrl: c.url,
        clientState,
        expirationDateTime: expirationFrom(Date.now(), c.policy),
    });
    if (created.ok) {
        const driveIds = union(alsoServes, c.drive.id);
        const now = new Date().toISOString();
        await putSubscription(table, {
            subscriptionId: created.value.id,
            integrationId: c.integration.id,
            graphDriveId: c.drive.graph.driveId,
            driveIds,
            homeAccountId: c.drive.account.homeAccountId,
            clientStateHash: hashClientState(clientState),
            expiresAt: created.value.expirationDateTime,
            createdAt: now,
        });
        for (const driveId of driveIds) {
            await markDrive(table, { id: driveId, integrationId: c.integration.id }, 'active', {
                subscriptionId: created.value.id,
                expiresAt: created.value.expirationDateTime,
            });
            await resolveSubscriptionAlert(c.services, { id: driveId, integrationId: c.integration.id });
        }
        return (await getDriveNotifications(table, c.drive.id))!;
    }
    const inUse = existingSubscriptionId(created.failure);
    if (inUse) return adopt(c, inUse, mayRetry);
    return markFailure(c, created.failure);
}

/**
 * 409 ObjectIdentifierInUse: one subscription per resource + URL + app already exists. If it is ours
 * (another drive record on the same library, or a create whose answer we lost after storing it) the
 * drive joins it. If we do not hold its clientState we could never verify its notifications: delete
 * it and create a fresh one.
 */
async function adopt(c: Context, subscriptionId: string, mayRetry: boolean): Promise<DriveNotifications> {
    const table = await c.services.tables.get('subscriptions');
    const known = await getSubscription(table, subscriptionId);
    if (known) return renewOrRecreate(c, known);
    const deleted = await deleteSubscription(c.client, subscriptionId);
    if (!deleted.ok) return markFailure(c, deleted.failure);
    if (!mayRetry)
        return markFailure(
            c,
            new GraphError(409, 'ObjectIdentifierInUse', 'Graph kept reporting an existing subscription.'),
        );
    return create(c, false);
}

async function detachDrive(c: Context, sub: SubscriptionRecord): Promise<void> {
    const table = await c.services.tables.get('subscriptions');
    const driveIds = sub.driveIds.filter((id) => id !== c.drive.id);
    if (driveIds.length > 0) return putSubscription(table, { ...sub, driveIds });
    await deleteSubscription(c.client, sub.subscriptionId);
    await deleteSubscriptionRecord(table, sub.subscriptionId);
}

/** Graph said no: 4xx other than throttling is a refusal (schedule only), anything else is retried by the renewal timer. */
async function markFailure(c: Context, failure: GraphError): Promise<DriveNotifications> {
    const table = await c.services.tables.get('subscriptions');
    const refused = failure.status >= 400 && failure.status < 500 && failure.status !== 429 && failure.status !== 401;
    const reason = {
        code: refused ? 'graph_refused_subscription' : 'subscription_failed',
        message: `Graph ${failure.status} ${failure.code}: ${failure.message}`.slice(0, 400),
        graphCode: failure.code,
    };
    // ValidationError: Graph could not reach PUBLIC_BASE_URL's webhook, i.e. the deployment's public URL,
    // which is configuration (the drive's notification record says so); anything else is alerted.
    if (failure.code !== 'ValidationError') await raiseSubscriptionAlert(c.services, c.drive, reason);
    return markDrive(table, c.drive, refused ? 'unavailable' : 'error', { reason });
}

function union(ids: string[], id: string): string[] {
    return ids.includes(id) ? ids : [...ids, id];
}
