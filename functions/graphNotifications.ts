import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createLogger } from '../lib/logging/logger';
import { MAX_NOTIFICATION_BYTES, parseNotifications } from '../lib/notifications/notificationBody';
import { http } from './definition';

/**
 * POST /api/graph/notifications (anonymous: Graph sends no key; the clientState authenticates each
 * entry). A `validationToken` query is Graph's handshake: echo it decoded, as text/plain, at once.
 * Otherwise persist debounced syncs and answer 202 well inside Graph's 3 s; 5xx only when
 * persisting failed, so Graph retries.
 */
export async function graphNotificationsHandler(
    request: HttpRequest,
    context: InvocationContext,
): Promise<HttpResponseInit> {
    const token = request.query.get('validationToken');
    if (token !== null) {
        return {
            status: 200,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
            body: token,
        };
    }
    const log = createLogger(context);
    const text = await request.text();
    const notifications = Buffer.byteLength(text) <= MAX_NOTIFICATION_BYTES ? parseNotifications(text) : undefined;
    if (!notifications)
        return {
            status: 400,
            jsonBody: {
                error: { code: 'invalid_notification', message: 'Expected a Graph change notification body.' },
            },
        };
    try {
        const [{ getServices }, { handleNotifications }] = await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/notifications/webhook'),
        ]);
        const outcome = await handleNotifications(await getServices(), notifications, log);
        if (outcome.rejected > 0) log.warn('Notification batch had rejected entries', { ...outcome });
        return { status: 202 };
    } catch (e) {
        log.error('Persisting notifications failed; Graph will retry', {
            error: e,
            invocationId: context.invocationId,
        });
        return {
            status: 503,
            jsonBody: {
                error: {
                    code: 'notification_not_persisted',
                    message: 'The notification could not be recorded; retry.',
                },
            },
        };
    }
}

export const graphNotifications = http('graphNotifications', {
    route: 'api/graph/notifications',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: graphNotificationsHandler,
});
