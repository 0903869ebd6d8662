import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError, graphError } from '../graph/graphError';

/** The subscription calls (Graph v1.0 `/subscriptions`); Graph's refusals come back as values. */
export interface CreateRequest {
    graphDriveId: string;
    notificationUrl: string;
    clientState: string;
    expirationDateTime: string;
}

export interface GraphSubscription {
    id: string;
    expirationDateTime: string;
}

export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphError };

async function attempt<T>(call: () => Promise<T>): Promise<GraphResult<T>> {
    try {
        return { ok: true, value: await call() };
    } catch (e) {
        const failure = graphError(e);
        if (!failure) throw e;
        return { ok: false, failure };
    }
}

export function createSubscription(client: Client, r: CreateRequest): Promise<GraphResult<GraphSubscription>> {
    return attempt(
        () =>
            client.api('/subscriptions').post({
                changeType: 'updated',
                notificationUrl: r.notificationUrl,
                // reauthorizationRequired goes to the same endpoint; the webhook tells them apart.
                lifecycleNotificationUrl: r.notificationUrl,
                resource: `/drives/${r.graphDriveId}/root`,
                expirationDateTime: r.expirationDateTime,
                clientState: r.clientState,
            }) as Promise<GraphSubscription>,
    );
}

export function renewSubscription(
    client: Client,
    id: string,
    expirationDateTime: string,
): Promise<GraphResult<GraphSubscription>> {
    return attempt(
        () =>
            client
                .api(`/subscriptions/${encodeURIComponent(id)}`)
                .patch({ expirationDateTime }) as Promise<GraphSubscription>,
    );
}

/** 404 counts as done: the subscription is gone either way. */
export async function deleteSubscription(client: Client, id: string): Promise<GraphResult<void>> {
    const r = await attempt(() => client.api(`/subscriptions/${encodeURIComponent(id)}`).delete() as Promise<void>);
    return !r.ok && r.failure.status === 404 ? { ok: true, value: undefined } : r;
}

/** Graph puts the existing subscription's id only inside the 409 message (abraunegg extracts it the same way). */
export function existingSubscriptionId(failure: GraphError): string | undefined {
    if (failure.status !== 409 || failure.code !== 'ObjectIdentifierInUse') return undefined;
    return /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(failure.message)?.[0];
}
