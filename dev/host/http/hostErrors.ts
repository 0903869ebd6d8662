import type { HttpResponseInit } from '@azure/functions';
import { ApiError } from '../../../lib/http/apiError';

/**
 * The errors the local host itself answers with (before or around a handler), in the service's JSON
 * error shape so clients handle them like any other API error.
 */
export function routeNotFound(method: string, pathname: string): ApiError {
    return new ApiError(
        404,
        'route_not_found',
        `No function serves ${method} ${pathname}.`,
        'Check the path and the HTTP method; the local host prints every registered route when it starts.',
    );
}

const KEY_HINT =
    "Pass a key in the 'x-functions-key' header or the 'code' query parameter: the platform key for platform routes, the master (management) key for /api/manage and /manage. The local host prints both at start-up and keeps them in .local/host-keys.json.";

const MASTER_HINT =
    "Management routes (/api/manage/..., /manage) accept only the master key (Azure: the _master host key, authLevel 'admin'); the platform key is refused there by design. The local host prints the master key at start-up.";

export function missingFunctionKey(level: 'function' | 'admin' = 'function'): ApiError {
    return new ApiError(
        401,
        'missing_function_key',
        `This route requires ${level === 'admin' ? 'the master (management) key' : 'a function key'} and none was sent.`,
        level === 'admin' ? MASTER_HINT : KEY_HINT,
    );
}

export function invalidFunctionKey(level: 'function' | 'admin' = 'function'): ApiError {
    return new ApiError(
        401,
        'invalid_function_key',
        'The key sent with the request is not valid for this host.',
        level === 'admin' ? MASTER_HINT : KEY_HINT,
    );
}

/** A valid host key that is not the master key, on an admin-level route: Azure's host answers 401 too. */
export function notTheMasterKey(): ApiError {
    return new ApiError(
        401,
        'invalid_function_key',
        'This is a management route: it accepts only the master (management) key, not the platform key.',
        MASTER_HINT,
    );
}

export function requestTooLarge(limitBytes: number): ApiError {
    return new ApiError(
        413,
        'request_too_large',
        `The request body exceeds the host's limit of ${limitBytes} bytes.`,
        'Upload large files through an upload slot (a SAS URL), never through an HTTP function.',
    );
}

/** The dev-only timer control route (not part of the service's API): a plain 404 with a reason. */
export function unknownTimer(name: string): HttpResponseInit {
    return {
        status: 404,
        jsonBody: { message: `No timer function is named '${name}'; the local host prints them when it starts.` },
    };
}
