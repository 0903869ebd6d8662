import type { IncomingMessage } from 'node:http';

/** The host's default maxRequestBodySize (Kestrel limit configured by the Functions host): 100 MB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 104_857_600;

export class RequestTooLargeError extends Error {
    constructor(readonly limitBytes: number) {
        super(`Request body exceeds ${limitBytes} bytes.`);
        this.name = 'RequestTooLargeError';
    }
}

/**
 * Buffers the request body, refusing early when Content-Length already says it is too large and
 * otherwise as soon as the bytes received cross the limit (chunked uploads).
 */
export async function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) throw new RequestTooLargeError(limitBytes);
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > limitBytes) throw new RequestTooLargeError(limitBytes);
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
