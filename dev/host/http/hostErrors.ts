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
    "Pass the function key in the 'x-functions-key' header or the 'code' query parameter; the local host prints it at start-up and keeps it in .local/host-keys.json.";

export function missingFunctionKey(): ApiError {
    return new ApiError(401, 'missing_function_key', 'This route requires a function key and none was sent.', KEY_HINT);
}

export function invalidFunctionKey(): ApiError {
    return new ApiError(
        401,
        'invalid_function_key',
        'The function key sent with the request is not valid for this host.',
        KEY_HINT,
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
