import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers shared by the simulator's handlers (no framework: the simulator is a test double). */

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of req) {
        const buffer = chunk as Buffer;
        total += buffer.length;
        if (total > MAX_BODY_BYTES) throw new HttpError(413, 'RequestEntityTooLarge', 'The request body is too large.');
        chunks.push(buffer);
    }
    return Buffer.concat(chunks);
}

/** Parses an application/x-www-form-urlencoded body into a plain object (last value wins). */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
    const text = (await readBody(req)).toString('utf8');
    return Object.fromEntries(new URLSearchParams(text));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
    const text = (await readBody(req)).toString('utf8');
    if (text.trim() === '') return {};
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new HttpError(400, 'BadRequest', 'The request body is not valid JSON.');
    }
}

export function sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
    });
    res.end(text);
}

export function sendHtml(
    res: ServerResponse,
    status: number,
    html: string,
    headers: Record<string, string> = {},
): void {
    res.writeHead(status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
        ...headers,
    });
    res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { Location: location, 'Content-Length': 0 });
    res.end();
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
    return value.replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );
}

/** A control-API failure: the control API answers `{ error: { code, message } }`. */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
        this.name = 'HttpError';
    }
}

export function sendHttpError(res: ServerResponse, error: HttpError): void {
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}
