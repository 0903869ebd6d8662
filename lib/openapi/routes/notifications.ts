import { z } from 'zod';
import type { RouteDescription } from '../routeDescription';
import { named } from '../routeDescription';

const notificationBatch = named(
    'ChangeNotificationCollection',
    z.object({
        value: z.array(
            z.object({
                subscriptionId: z.string(),
                clientState: z.string().optional(),
                changeType: z.string().optional(),
                resource: z.string().optional(),
                lifecycleEvent: z.string().optional(),
                tenantId: z.string().optional(),
                subscriptionExpirationDateTime: z.string().optional(),
            }),
        ),
    }),
);

/** The Microsoft Graph change-notification webhook (called by Graph, not by the platform). */
export const notificationRoutes: RouteDescription[] = [
    {
        method: 'POST',
        path: '/api/graph/notifications',
        operationId: 'receiveGraphNotifications',
        summary: 'Microsoft Graph change notifications and lifecycle events',
        description:
            "With ?validationToken=…: echoes the token as text/plain (subscription validation). Otherwise: each item's clientState is checked against its subscription (mismatches are logged and ignored), and one debounced sync is queued per affected drive. 202 within 3 s; 503 only when the request could not be persisted, so Graph retries. Anonymous, so bounded: a body over 1 MiB or 1,000 entries gets 413 unread, and a batch stops looking up subscriptions after 3 that are not ours.",
        tag: 'notifications',
        auth: 'anonymous',
        query: [
            {
                name: 'validationToken',
                description: 'Sent by Graph when a subscription is created.',
                schema: z.string(),
            },
        ],
        body: { ...notificationBatch, required: false },
        responses: {
            200: { description: 'The validation token, echoed.', contentType: 'text/plain' },
            202: { description: 'Accepted.' },
        },
        errors: ['internal_error', 'invalid_notification', 'notification_too_large', 'notification_not_persisted'],
    },
];
