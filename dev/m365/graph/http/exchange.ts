import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphDeps } from '../../contract';
import { GraphError, errorBody } from './errors';
import { isoSeconds } from '../model/time';

/**
 * One request/response pair as the Graph half sees it: parsed URL, request ids, the body once read,
 * and helpers that send Graph-shaped JSON (and report it to deps.observeResponse).
 */
export class Exchange {
    readonly method: string;
    readonly clientRequestId: string;
    /** Close the connection after the response (an unread body we refuse to consume). */
    destroyAfterResponse = false;
    private bodyCache?: Buffer;

    constructor(
        readonly req: IncomingMessage,
        readonly res: ServerResponse,
        readonly url: URL,
        readonly requestId: string,
        private readonly deps: GraphDeps,
    ) {
        this.method = (req.method ?? 'GET').toUpperCase();
        this.clientRequestId = header(req, 'client-request-id') ?? requestId;
    }

    header(name: string): string | undefined {
        return header(this.req, name);
    }

    /** Reads the whole body; `limit` guards the simulator's memory, not a Graph rule. */
    async body(limit = 300 * 1024 * 1024): Promise<Buffer> {
        if (this.bodyCache) return this.bodyCache;
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of this.req) {
            total += (chunk as Buffer).length;
            if (total > limit) throw new GraphError(413, 'maxFileSizeExceeded', 'Request body too large.');
            chunks.push(chunk as Buffer);
        }
        this.bodyCache = Buffer.concat(chunks);
        return this.bodyCache;
    }

    async json(): Promise<Record<string, unknown>> {
        const raw = await this.body(4 * 1024 * 1024);
        if (raw.length === 0) return {};
        try {
            const parsed: unknown = JSON.parse(raw.toString('utf8'));
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
                return parsed as Record<string, unknown>;
        } catch {
            // fall through
        }
        throw new GraphError(
            400,
            'BadRequest',
            'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
        );
    }

    /** Drains an unread request body so keep-alive connections stay usable. */
    async drain(): Promise<void> {
        if (this.bodyCache || this.req.readableEnded) return;
        try {
            for await (const chunk of this.req) void chunk;
        } catch {
            // the client went away
        }
    }

    private baseHeaders(extra: Record<string, string> = {}): Record<string, string> {
        return {
            'request-id': this.requestId,
            'client-request-id': this.clientRequestId,
            'cache-control': 'no-store, no-cache',
            ...(this.destroyAfterResponse ? { connection: 'close' } : {}),
            ...extra,
        };
    }

    sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
        this.deps.observeResponse?.({ method: this.method, path: this.url.pathname, status, body });
        const text = JSON.stringify(body);
        this.res.writeHead(status, {
            ...this.baseHeaders(headers),
            'content-type':
                'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
            'content-length': String(Buffer.byteLength(text)),
        });
        this.res.end(text);
    }

    sendEmpty(status: number, headers: Record<string, string> = {}): void {
        this.res.writeHead(status, this.baseHeaders(headers));
        this.res.end();
    }

    sendBytes(status: number, bytes: Buffer, headers: Record<string, string>): void {
        this.res.writeHead(status, this.baseHeaders({ 'content-length': String(bytes.length), ...headers }));
        this.res.end(bytes);
    }

    sendError(e: GraphError): void {
        const body = errorBody(e, {
            requestId: this.requestId,
            clientRequestId: this.clientRequestId,
            date: isoSeconds(this.deps.clock.now()),
        });
        this.sendJson(e.status, body, e.options.headers);
    }

    /** Drops the connection without an HTTP response, as a reset or a proxy timeout would. */
    destroy(): void {
        this.req.socket.destroy();
    }
}

function header(req: IncomingMessage, name: string): string | undefined {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}
