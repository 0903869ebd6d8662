import type {
    HttpFunctionOptions,
    HttpHandler,
    HttpMethod,
    StorageQueueFunctionOptions,
    TimerFunctionOptions,
} from '@azure/functions';
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
