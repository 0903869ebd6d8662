import type { HttpResponseInit } from '@azure/functions';
import type { ERROR_CODES, ErrorCode } from '../openapi/errorCatalogue';

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

/** The status the catalogue gives a code: `new ApiError(404, 'run_not_found', …)` compiles, 409 does not. */
export type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'];

/**
 * `code` must be in the catalogue (lib/openapi/errorCatalogue.ts, which the API description lists per
 * operation) and `status` must be the catalogue's status for it: the compiler rejects anything else.
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
    constructor(
        readonly status: StatusOf<C>,
        readonly code: C,
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

/** 405 with the `Allow` header (RFC 9110 §15.5.6) for a method the route does not serve. */
export function methodNotAllowed(method: string, allowed: readonly string[]): HttpResponseInit {
    const allow = allowed.join(', ');
    return new ApiError(
        405,
        'method_not_allowed',
        `${method} is not supported on this route.`,
        `Use ${allow}; the API description (GET /api/openapi.json) lists every operation.`,
    ).toResponse({ allow });
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
