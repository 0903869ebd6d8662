import { HttpRequest } from '@azure/functions';
import type { IncomingMessage } from 'node:http';

/**
 * Builds the request object the handler receives. `query` is left to HttpRequest to parse from the
 * URL, which keeps repeated keys (`?a=1&a=2`), as the streaming worker does with the real host.
 */
export function toHttpRequest(
    req: IncomingMessage,
    url: URL,
    params: Record<string, string>,
    body: Buffer,
): HttpRequest {
    return new HttpRequest({
        method: req.method ?? 'GET',
        url: url.href,
        headers: flattenHeaders(req),
        params,
        body: { bytes: body },
    });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return headers;
}
