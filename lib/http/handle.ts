import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createLogger, Logger } from '../logging/logger';
import { ApiError, toErrorResponse } from './apiError';

/**
 * Wraps a route handler: errors become the JSON error shape (ApiError as is, anything else a 500 that
 * leaks nothing), and unexpected failures are logged, redacted, with the invocation id.
 */
export function handle(
    run: (request: HttpRequest, log: Logger, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
    return async (request, context) => {
        const log = createLogger(context);
        try {
            return await run(request, log, context);
        } catch (thrown) {
            // A dependency fault the service can describe (Key Vault, storage, identity) answers 503 with
            // its code and hint, never a bare 500 (lib/dependencies, loaded only on this path).
            const e =
                thrown instanceof ApiError
                    ? thrown
                    : ((await import('../dependencies/classify')).dependencyFaultIn(thrown) ?? thrown);
            if (!(e instanceof ApiError) || e.status >= 500) {
                log.error(`${request.method} ${new URL(request.url).pathname} failed`, {
                    error: e,
                    invocationId: context.invocationId,
                });
            }
            return toErrorResponse(e);
        }
    };
}

/** Who is acting, as the platform tells us (x-platform-user); recorded in the audit trail. */
export function actorOf(request: HttpRequest): string {
    const user = request.headers.get('x-platform-user')?.trim();
    return user && user.length <= 256 ? user : 'function-key';
}
