import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
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
        return refuse(413, 'notification_too_large', `A notification body is at most ${MAX_NOTIFICATION_BYTES} bytes.`);
    const parsed = parseNotificationBody(text);
    if (!parsed.ok)
        return parsed.problem === 'too_many_entries'
            ? refuse(413, 'notification_too_large', 'A notification body has too many entries.')
            : refuse(400, 'invalid_notification', 'Expected a Graph change notification body.');
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

function refuse(status: number, code: string, message: string): HttpResponseInit {
    return { status, jsonBody: { error: { code, message } } };
}

export const graphNotifications = http('graphNotifications', {
    route: 'api/graph/notifications',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: graphNotificationsHandler,
});
