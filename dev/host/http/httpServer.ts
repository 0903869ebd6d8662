import { HttpResponse } from '@azure/functions';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { toErrorResponse } from '../../../lib/http/apiError';
import { recordExchange } from '../../contract/contractRecorder';
import type { Invoker } from '../invocation';
import { checkFunctionKey, type HostKeys, type KeyLevel } from './functionKey';
import { refusalResponse, requestTooLarge, routeNotFound, type HostRefusal } from './hostErrors';
import { readRequestBody, RequestTooLargeError } from './requestBody';
import type { RouteMatch, Router } from './router';
import { toHttpRequest } from './toHttpRequest';
import { toHttpResponse, writeHttpResponse, writeInit } from './writeResponse';

/** A route the host serves itself (not a function), e.g. the timer control route. */
export interface HostRoute {
    method: string;
    /** Returns the route's parameters when the path is its own. */
    match(pathname: string): Record<string, string> | undefined;
    requiresKey: boolean;
    handle(params: Record<string, string>, res: ServerResponse): Promise<void>;
}

export interface HttpServerOptions {
    router: Router;
    hostRoutes: readonly HostRoute[];
    keys: HostKeys;
    invoker: Invoker;
    maxRequestBodyBytes: number;
    /** Hold every exchange against the service's OpenAPI document (API_CONTRACT=enforce). */
    checkContract: boolean;
}

export function createHttpServer(options: HttpServerOptions): Server {
    return createServer((req, res) => {
        handle(options, req, res).catch((e: unknown) => {
            // Only reachable when writing the response failed (e.g. a stream that errored mid-way).
            options.invoker.log(
                `HTTP ${req.method} ${req.url} failed while responding: ${e instanceof Error ? e.message : String(e)}`,
            );
            if (!res.headersSent) void writeInit(res, toErrorResponse(e)).catch(() => res.destroy());
            else res.destroy();
        });
    });
}

async function handle(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const hostRoute = findHostRoute(options.hostRoutes, method, url.pathname);
    const match = hostRoute ? undefined : options.router.match(method, url.pathname);
    const exchange = { method, url, body: Buffer.alloc(0), contentType: req.headers['content-type'] };
    // The host's own routes (firing a timer) are development tools, not part of the service's API.
    const record = options.checkContract && !hostRoute ? recordExchange : skipContract;
    if (!hostRoute && !match) return refuse(options, res, routeNotFound(method, url.pathname), exchange, record);

    const level = hostRoute ? (hostRoute.route.requiresKey ? 'admin' : undefined) : keyLevelOf(match!);
    const keyError = level
        ? checkFunctionKey(req.headers['x-functions-key'], url.searchParams, options.keys, level)
        : undefined;
    if (keyError) return refuse(options, res, keyError, exchange, record);

    let body: Buffer;
    try {
        body = await readRequestBody(req, options.maxRequestBodyBytes);
    } catch (e) {
        if (!(e instanceof RequestTooLargeError)) throw e;
        // The rest of the upload is not read: close the connection rather than drain 100 MB.
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
        return refuse(options, res, requestTooLarge(e.limitBytes), exchange, record);
    }
    if (hostRoute) return hostRoute.route.handle(hostRoute.params, res);
    return invokeFunction(options.invoker, match!, req, url, body, res, record);
}

async function invokeFunction(
    invoker: Invoker,
    match: RouteMatch,
    req: IncomingMessage,
    url: URL,
    body: Buffer,
    res: ServerResponse,
    record: typeof recordExchange,
): Promise<void> {
    const { definition } = match.route;
    const request = toHttpRequest(req, url, match.params, body);
    let invocationId = '';
    let response: HttpResponse;
    try {
        response = await invoker.invoke({
            functionName: definition.name,
            reason: 'This function was programmatically called via the host APIs.',
            trigger: {
                type: 'httpTrigger',
                name: 'request',
                authLevel: definition.options.authLevel ?? 'anonymous',
                methods: definition.options.methods,
                route: definition.options.route,
            },
            run: async (context) => {
                invocationId = context.invocationId;
                return toHttpResponse(await definition.options.handler(request, context));
            },
        });
    } catch (e) {
        // Already logged with its stack by the invoker; the client gets the error shape without the text.
        response = new HttpResponse(toErrorResponse(e));
    }
    await record({ method: request.method, url, body, contentType: req.headers['content-type'] }, response);
    await writeHttpResponse(res, response, { 'x-ms-invocation-id': invocationId });
}

async function skipContract(): Promise<void> {}

/**
 * What the host requires of a function's caller: `admin` takes only the master key, `function` any
 * host key (the platform key, or the master key), `anonymous` nothing. The host's own routes (firing
 * a timer, like Azure's /admin/functions/{name}) are admin-level.
 */
function keyLevelOf(match: RouteMatch): KeyLevel | undefined {
    const level = match.route.definition.options.authLevel ?? 'anonymous';
    return level === 'anonymous' ? undefined : level;
}

function findHostRoute(
    routes: readonly HostRoute[],
    method: string,
    pathname: string,
): { route: HostRoute; params: Record<string, string> } | undefined {
    for (const route of routes) {
        const params = route.method === method ? route.match(pathname) : undefined;
        if (params) return { route, params };
    }
    return undefined;
}

/** The host's own refusal: a bare status, as Azure's host sends it; the reason goes to the log. */
async function refuse(
    options: HttpServerOptions,
    res: ServerResponse,
    refusal: HostRefusal,
    exchange: Parameters<typeof recordExchange>[0],
    record: typeof recordExchange,
): Promise<void> {
    options.invoker.log(`HTTP ${exchange.method} ${exchange.url.pathname} → ${refusal.status}: ${refusal.reason}`);
    const response = new HttpResponse(refusalResponse(refusal));
    await record(exchange, response);
    return writeHttpResponse(res, response);
}
