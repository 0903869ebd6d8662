import { parseRetryAfter } from '../transfer/throttleGate';

/** What Graph's error body and headers add to a status and a code. */
export interface GraphErrorDetail {
    /** The codes of the whole `innererror` chain (e.g. `nameAlreadyExists` under `conflict`). */
    innerCodes?: readonly string[];
    /** The request id, so an admin can quote it to Microsoft support. */
    requestId?: string;
    /** Retry-After, when Graph sent one (429 / 503). */
    retryAfterSeconds?: number;
}

/**
 * Graph refused a call. The one error type for every way the service calls Graph: the SDK client
 * (through `graphError(e)`), delta's raw reads and the transfer pipeline's own fetches (through
 * `readGraphError(response)`). Callers branch on `status` and codes (`has`), never on messages.
 */
export class GraphError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly detail: GraphErrorDetail = {},
    ) {
        super(message);
        this.name = 'GraphError';
    }

    get innerCodes(): readonly string[] {
        return this.detail.innerCodes ?? [];
    }

    get requestId(): string | undefined {
        return this.detail.requestId;
    }

    get retryAfterSeconds(): number | undefined {
        return this.detail.retryAfterSeconds;
    }

    /** True when the top-level code or any code of the innererror chain is `code`. */
    has(code: string): boolean {
        return this.code === code || this.innerCodes.includes(code);
    }

    /** Throttling and server errors: the same call may succeed later. */
    get transient(): boolean {
        return this.status === 429 || this.status >= 500;
    }
}

/** Reads a refused response's body (once) into a GraphError. */
export async function readGraphError(response: Response): Promise<GraphError> {
    const text = await response.text().catch(() => '');
    return graphErrorFromBody(response.status, response.headers, parseJson(text), response.statusText);
}

/** A GraphError from a status, the response headers and the already parsed body (delta reads it first). */
export function graphErrorFromBody(
    status: number,
    headers: Headers,
    body: unknown,
    fallbackMessage = `Graph answered ${status}.`,
): GraphError {
    const error = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
    const inner = innerErrorChain(error);
    return new GraphError(
        status,
        typeof error.code === 'string' ? error.code : `http_${status}`,
        typeof error.message === 'string' ? error.message : fallbackMessage,
        {
            innerCodes: inner.codes,
            requestId: headers.get('request-id') ?? inner.requestId,
            retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
        },
    );
}

/**
 * The GraphError behind a failure of the Graph SDK client (its own `GraphError` carries `statusCode`,
 * `code`, `message`, `requestId` and the raw `body`), or the failure itself when it already is one;
 * undefined for anything that is not Graph's answer (a network error, a sign-in failure).
 */
export function graphError(e: unknown): GraphError | undefined {
    if (e instanceof GraphError) return e;
    const err = e as { statusCode?: unknown; code?: unknown; message?: unknown; requestId?: unknown; body?: unknown };
    if (typeof err?.statusCode !== 'number' || err.statusCode <= 0) return undefined;
    const body = typeof err.body === 'string' ? parseJson(err.body) : undefined;
    const inner = innerErrorChain((body as { error?: Record<string, unknown> } | undefined)?.error ?? {});
    return new GraphError(
        err.statusCode,
        typeof err.code === 'string' ? err.code : 'unknown',
        typeof err.message === 'string' ? err.message : '',
        { innerCodes: inner.codes, requestId: typeof err.requestId === 'string' ? err.requestId : inner.requestId },
    );
}

function innerErrorChain(error: Record<string, unknown>): { codes: string[]; requestId?: string } {
    const codes: string[] = [];
    let requestId: string | undefined;
    let next = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
    for (let depth = 0; next && depth < 8; depth++) {
        if (typeof next.code === 'string') codes.push(next.code);
        if (typeof next['request-id'] === 'string') requestId ??= next['request-id'];
        next = (next.innerError ?? next.innererror) as Record<string, unknown> | undefined;
    }
    return { codes, requestId };
}

function parseJson(text: string): unknown {
    if (!text) return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined; // not JSON: the status speaks
    }
}
