import type {
    HttpFunctionOptions,
    HttpHandler,
    HttpMethod,
    StorageQueueFunctionOptions,
    TimerFunctionOptions,
} from '@azure/functions';
import { callerKeyOf, runWithCallerKey } from '../lib/auth/callerKey';
import { methodNotAllowed } from '../lib/http/apiError';

/**
 * One registered function: its trigger kind, name and the exact options passed to `app.http`,
 * `app.timer` or `app.storageQueue`. The Azure entry point (`functions/index.ts`) and the local host
 * (`dev/host`) both consume the same list (`functions/registry.ts`), so they run identical functions.
 */
export type FunctionDefinition =
    | {
          kind: 'http';
          name: string;
          /** The methods the function serves; the others get 405 with `Allow` (see http()). */
          allowedMethods: readonly HttpMethod[];
          options: HttpFunctionOptions & { route: string; methods: NonNullable<HttpFunctionOptions['methods']> };
      }
    | { kind: 'timer'; name: string; options: TimerFunctionOptions }
    | { kind: 'queue'; name: string; options: StorageQueueFunctionOptions };

export type HttpDefinition = Extract<FunctionDefinition, { kind: 'http' }>;

/** Every method a route is registered for, so a wrong one reaches the function and gets a 405. */
const ROUTED_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * An HTTP function. The host is given every method for the route: left to the host, a method the
 * function does not serve would be a bare 404 (the host has no notion of 405); the function itself
 * answers it with 405 `method_not_allowed` and the `Allow` header (RFC 9110 §15.5.6).
 */
export function http(name: string, options: HttpDefinition['options']): HttpDefinition {
    const allowedMethods = options.methods;
    return {
        kind: 'http',
        name,
        allowedMethods,
        options: { ...options, methods: ROUTED_METHODS, handler: onlyMethods(allowedMethods, options.handler) },
    };
}

function onlyMethods(allowed: readonly HttpMethod[], handler: HttpHandler): HttpHandler {
    return async (request, context) =>
        allowed.includes(request.method as HttpMethod)
            ? handler(request, context)
            : methodNotAllowed(request.method, allowed);
}

export function timer(name: string, options: TimerFunctionOptions): FunctionDefinition {
    return { kind: 'timer', name, options };
}

export function queue(name: string, options: StorageQueueFunctionOptions): FunctionDefinition {
    return { kind: 'queue', name, options };
}

/** App-setting name of the storage connection used by queue triggers (see lib/config/settings.ts). */
export const STORAGE_CONNECTION = 'SyncStorage';

/**
 * Management routes (`/api/manage/...` and the console at `/manage`): an admin can do there what the
 * platform cannot (replace the integration, purge every token, rotate credentials, change properties).
 */
export function isManagementRoute(route: string): boolean {
    return /^(api\/)?manage(\/|$)/i.test(route.replace(/^\/+/, ''));
}

/**
 * Applies the two keys (README "Security"): management routes become `authLevel: 'admin'`, which the
 * Functions host opens only with the master key (`_master`); every other keyed route stays
 * `function`, opened by the platform's named host key (or the master key). Keyed handlers run with
 * the caller's key known to the audit trail (lib/auth/callerKey.ts).
 */
export function withKeyLevels(definitions: readonly FunctionDefinition[]): FunctionDefinition[] {
    return definitions.map((d) => {
        if (d.kind !== 'http') return d;
        const authLevel =
            d.options.authLevel !== 'anonymous' && isManagementRoute(d.options.route) ? 'admin' : d.options.authLevel;
        if (authLevel === undefined || authLevel === 'anonymous') return d;
        const level = authLevel === 'admin' ? 'admin' : 'function';
        const handler = d.options.handler;
        const keyed: HttpHandler = (request, context) =>
            runWithCallerKey(callerKeyOf(request, level), () => handler(request, context));
        return {
            ...d,
            options: {
                ...d.options,
                authLevel,
                handler: keyed,
            },
        };
    });
}
