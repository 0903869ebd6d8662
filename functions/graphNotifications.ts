import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError } from '../lib/http/apiError';
import { createLogger } from '../lib/logging/logger';
import { MAX_NOTIFICATION_BYTES, parseNotificationBody, readBodyCapped } from '../lib/notifications/notificationBody';
import { http } from './definition';

/**
 * POST /api/graph/notifications (anonymous: Graph sends no key; the clientState authenticates each
 * entry). A `validationToken` query is Graph's handshake: echo it decoded, as text/plain, at once.
 * Otherwise persist debounced syncs and answer 202 well inside Graph's 3 s; 5xx only when
 * persisting failed, so Graph retries. Anyone can call it, so a body over MAX_NOTIFICATION_BYTES is
 * refused on its Content-Length, or as soon as the stream crosses the limit, never read whole.
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
    const declared = Number(request.headers.get('content-length') ?? NaN);
    const text =
        Number.isFinite(declared) && declared > MAX_NOTIFICATION_BYTES
            ? undefined
            : await readBodyCapped(request.body, MAX_NOTIFICATION_BYTES);
    if (text === undefined)
        return new ApiError(
            413,
            'notification_too_large',
            `A notification body is at most ${MAX_NOTIFICATION_BYTES} bytes.`,
            NOT_GRAPH_HINT,
        ).toResponse();
    const parsed = parseNotificationBody(text);
    if (!parsed.ok)
        return parsed.problem === 'too_many_entries'
            ? new ApiError(
                  413,
                  'notification_too_large',
                  'A notification body has too many entries.',
                  NOT_GRAPH_HINT,
              ).toResponse()
            : new ApiError(
                  400,
                  'invalid_notification',
                  'Expected a Graph change notification body: {"value": [{"subscriptionId", "clientState", …}]}.',
                  NOT_GRAPH_HINT,
              ).toResponse();
    try {
        const [{ getServices }, { handleNotifications }] = await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/notifications/webhook'),
        ]);
        await handleNotifications(await getServices(), parsed.notifications, log);
        return { status: 202 };
    } catch (e) {
        log.error('Persisting notifications failed; Graph will retry', {
            error: e,
            invocationId: context.invocationId,
        });
        return new ApiError(
            503,
            'notification_not_persisted',
            'The notification could not be recorded; Graph retries it.',
            "Check the service's storage (GET /api/health/details); Graph redelivers for up to 4 hours.",
        ).toResponse();
    }
}

/** Only Microsoft Graph calls this route; anything else sending here has nothing to fix but its target. */
const NOT_GRAPH_HINT =
    'This route receives Microsoft Graph change notifications only (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).';

export const graphNotifications = http('graphNotifications', {
    route: 'api/graph/notifications',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: graphNotificationsHandler,
});
