import type { HttpResponseInit } from '@azure/functions';

/**
 * What the host itself answers, before any function runs. Azure's Functions host answers a missing or
 * wrong key with a bare 401, an unknown route with a bare 404 and an oversized body with a bare 413: no
 * body, none of the service's error shape (m365-quirks.md 13). The local host does exactly that, so no
 * client (the console included) comes to rely on a body Azure never sends; the reason, which Azure keeps
 * to itself, goes to the local host's log instead.
 */
export interface HostRefusal {
    status: 401 | 404 | 413;
    /** For the host's log only. */
    reason: string;
}

const KEY_HELP =
    "send a key in 'x-functions-key' or '?code=': the platform key for platform routes, the master (management) key for /api/manage and /manage (both printed at start-up, kept in .local/host-keys.json)";

export function routeNotFound(method: string, pathname: string): HostRefusal {
    return { status: 404, reason: `no function serves ${method} ${pathname}` };
}

export function missingFunctionKey(level: 'function' | 'admin' = 'function'): HostRefusal {
    return {
        status: 401,
        reason: `no key sent for a${level === 'admin' ? 'n admin' : ' function'}-level route: ${KEY_HELP}`,
    };
}

export function invalidFunctionKey(level: 'function' | 'admin' = 'function'): HostRefusal {
    return { status: 401, reason: `the key is not valid for this host (${level}-level route): ${KEY_HELP}` };
}

/** A valid host key that is not the master key, on an admin-level route: Azure's host answers 401 too. */
export function notTheMasterKey(): HostRefusal {
    return {
        status: 401,
        reason: 'the platform key was sent to a management route, which accepts only the master (_master) key',
    };
}

export function requestTooLarge(limitBytes: number): HostRefusal {
    return {
        status: 413,
        reason: `the body exceeds the host's limit of ${limitBytes} bytes (large files go through upload slots)`,
    };
}

export function refusalResponse(refusal: HostRefusal): HttpResponseInit {
    return { status: refusal.status };
}

/** The dev-only timer control route (not part of the service's API): a plain 404 with a reason. */
export function unknownTimer(name: string): HttpResponseInit {
    return {
        status: 404,
        jsonBody: { message: `No timer function is named '${name}'; the local host prints them when it starts.` },
    };
}
