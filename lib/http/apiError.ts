import type { HttpResponseInit } from '@azure/functions';

/**
 * Every HTTP error the service returns: `{ error: { code, message, hint?, details? } }`.
 * `code` is stable (clients branch on it), `message` says what happened, `hint` tells an admin what
 * to do, `details` carries field-level problems.
 */
export interface ErrorBody {
    error: { code: string; message: string; hint?: string; details?: FieldProblem[] };
}

export interface FieldProblem {
    field: string;
    code: string;
    message: string;
}

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly hint?: string,
        readonly details?: FieldProblem[],
    ) {
        super(message);
        this.name = 'ApiError';
    }

    toResponse(headers?: Record<string, string>): HttpResponseInit {
        const body: ErrorBody = { error: { code: this.code, message: this.message } };
        if (this.hint) body.error.hint = this.hint;
        if (this.details) body.error.details = this.details;
        return { status: this.status, jsonBody: body, headers: { 'content-type': 'application/json', ...headers } };
    }
}

/** Maps anything thrown by a handler to the error shape; unknown errors never leak their text. */
export function toErrorResponse(e: unknown): HttpResponseInit {
    if (e instanceof ApiError) return e.toResponse();
    return new ApiError(
        500,
        'internal_error',
        'The service failed to process the request.',
        'Retry; if it persists, check the function logs for this invocation id.',
    ).toResponse();
}
