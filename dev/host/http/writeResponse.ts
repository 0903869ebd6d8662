import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { serializeCookie } from './cookies';

// Hop-by-hop headers the worker's HTTP proxy drops from a handler's response.
const HOP_BY_HOP = new Set([
    'connection',
    'keep-alive',
    'proxy-authenticate',
    'proxy-authorization',
    'te',
    'trailer',
    'trailers',
    'transfer-encoding',
    'upgrade',
]);

/**
 * Normalizes what an HTTP handler returned, as the worker does: an HttpResponse as is, an
 * HttpResponseInit wrapped (which applies `jsonBody` and content types), nothing at all as 204.
 */
export function toHttpResponse(result: unknown): HttpResponse {
    if (result === undefined || result === null) return new HttpResponse({ status: 204 });
    if (result instanceof HttpResponse) return result;
    if (typeof result !== 'object') {
        throw new TypeError(
            'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
        );
    }
    return new HttpResponse(result as HttpResponseInit);
}

/** Writes status, headers, cookies and body; a stream body is piped with back-pressure, never buffered. */
export async function writeHttpResponse(
    res: ServerResponse,
    response: HttpResponse,
    extraHeaders: Record<string, string> = {},
): Promise<void> {
    res.statusCode = response.status;
    for (const [name, value] of response.headers) {
        if (!HOP_BY_HOP.has(name) && name !== 'set-cookie') res.setHeader(name, value);
    }
    const cookies = [...response.headers.getSetCookie(), ...response.cookies.map(serializeCookie)];
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
    const body = response.body;
    if (!body) {
        res.end();
        return;
    }
    // A client that disconnects mid-stream rejects the pipeline and cancels the handler's stream.
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), res);
}

export function writeInit(
    res: ServerResponse,
    init: HttpResponseInit,
    extraHeaders?: Record<string, string>,
): Promise<void> {
    return writeHttpResponse(res, new HttpResponse(init), extraHeaders);
}
