import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureDevCertificates, type DevCertificates } from '../tls/devCertificates';
import { SimulatedClock } from './clock';
import { createControlApi } from './control';
import type { AuthResult, Directory, GraphDeps, GraphFactory, GraphService, RouteHandler } from './contract';
import { createEntraService, type AssertionVerifier, type TenantStore } from './entra';
import { admitByBudget } from './graph/budget/admit';
import { ResourceBudget, type BudgetOptions } from './graph/budget/budget';
import { HttpError, sendHttpError, sendJson } from './http';
import { withArrivalHost } from './publicOrigin';
import { RequestLog } from './requestLog';

export interface M365SimulatorOptions {
    /** 0 (the default) picks a free port. */
    port?: number;
    tls?: DevCertificates;
    /** Seeds ids, secret values and token lifetimes: the same seed gives the same tenant every run. */
    seed?: number;
    /** Initial simulated time (epoch ms); defaults to the real time at start. Time then passes in real time. */
    startTime?: number;
    /**
     * SharePoint's resource-unit budget per app per tenant; on by default with a small tenant's limits
     * (graph/budget/budget.ts). Tests that hammer Graph on purpose raise it or switch it off.
     */
    budget?: Partial<BudgetOptions>;
    graph?: GraphFactory;
    observeResponse?: GraphDeps['observeResponse'];
    /** Seam for federated identity credentials: verifies client assertions that carry no certificate thumbprint. */
    federatedAssertions?: AssertionVerifier;
}

export interface M365Simulator {
    /** https://localhost:PORT */
    baseUrl: string;
    /** Where MSAL's authority lives: `${authorityHost}/<tenant>`, with knownAuthorities [`localhost:PORT`]. */
    authorityHost: string;
    graphBaseUrl: string;
    controlUrl: string;
    /** The CA a client must trust (NODE_EXTRA_CA_CERTS). */
    caPath: string;
    port: number;
    clock: SimulatedClock;
    /** Resource units spent per app per tenant, and the limits (also at /__control/budget). */
    budget: ResourceBudget;
    /** Tenants, users, app registrations and their credentials. */
    entra: TenantStore;
    directory: Directory;
    authenticate(authorizationHeader: string | undefined): AuthResult;
    graph?: GraphService;
    requests: RequestLog;
    /** Forgets tenants, grants and the request log, as POST /__control/reset does. */
    reset(): void;
    stop(): Promise<void>;
}

/** Starts the Microsoft 365 simulator (Entra ID, and Graph when a factory is given) over HTTPS. */
export async function startM365Simulator(options: M365SimulatorOptions = {}): Promise<M365Simulator> {
    const tls = options.tls ?? ensureDevCertificates();
    const seed = options.seed ?? 365;
    const clock = new SimulatedClock(options.startTime ?? Date.now());
    const budget = new ResourceBudget(clock, options.budget);
    const requests = new RequestLog();
    // The routes need the base URL, which needs the port: listen first, route once everything exists.
    const router: { handle?: RouteHandler } = {};
    const servers = await listen(tls, options.port ?? 0, (req, res) => serve(router.handle, clock, requests, req, res));
    const port = (servers[0]!.address() as AddressInfo).port;
    const baseUrl = `https://localhost:${port}`;

    const entra = createEntraService({
        clock,
        authorityHost: baseUrl,
        seed,
        federatedAssertions: options.federatedAssertions,
    });
    const graphDeps: GraphDeps = {
        clock,
        directory: entra.directory,
        authenticate: entra.authenticate,
        baseUrl,
        observeResponse: options.observeResponse,
    };
    const graph = options.graph?.(graphDeps);
    const reset = () => {
        entra.reset();
        requests.clear();
        budget.resetUsage();
    };
    const control = createControlApi({ clock, tenants: entra.tenants, requests, budget, reset });
    const admit: RouteHandler = (req, res, url) => admitByBudget(budget, graphDeps, req, res, url);
    router.handle = routeRequest({ control, entra: entra.handle, graph, admit });

    return {
        baseUrl,
        authorityHost: baseUrl,
        graphBaseUrl: `${baseUrl}/v1.0`,
        controlUrl: `${baseUrl}/__control`,
        caPath: tls.caPath,
        port,
        clock,
        budget,
        entra: entra.tenants,
        directory: entra.directory,
        authenticate: entra.authenticate,
        graph,
        requests,
        reset,
        stop: async () => {
            await graph?.close();
            await Promise.all(servers.map(close));
        },
    };
}

/**
 * /__control/graph/** → the Graph half's control API; /__control/** → ours; /v1.0/** → the app's
 * resource-unit budget, then Graph; Entra's /{tenant}/... endpoints; anything else to Graph (its upload
 * and download URLs), then 404.
 */
function routeRequest(parts: {
    control: RouteHandler;
    entra: RouteHandler;
    graph?: GraphService;
    admit: RouteHandler;
}): RouteHandler {
    return async (req, res, url) => {
        const path = url.pathname;
        if (path === '/__control/graph' || path.startsWith('/__control/graph/'))
            return (await parts.graph?.control(req, res, url)) ?? false;
        if (path.startsWith('/__control/')) return parts.control(req, res, url);
        if (path === '/v1.0' || path.startsWith('/v1.0/')) {
            if (!parts.graph) return false;
            if (await parts.admit(req, res, url)) return true;
            return parts.graph.handle(req, res, url);
        }
        if (await parts.entra(req, res, url)) return true;
        return (await parts.graph?.handle(req, res, url)) ?? false;
    };
}

async function serve(
    handle: RouteHandler | undefined,
    clock: SimulatedClock,
    requests: RequestLog,
    req: IncomingMessage,
    res: ServerResponse,
): Promise<void> {
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
    const at = clock.now();
    if (!url.pathname.startsWith('/__control/')) {
        // The test's own control calls stay out of the log: it records what clients did.
        res.on('finish', () =>
            requests.record({
                method: req.method ?? 'GET',
                path: url.pathname,
                status: res.statusCode,
                authorization: req.headers.authorization !== undefined,
                at,
            }),
        );
    }
    try {
        const handled = handle && (await withArrivalHost(req.headers.host, () => handle(req, res, url)));
        if (!handled) notFound(res, req, url);
    } catch (error) {
        if (res.headersSent) res.destroy(error as Error);
        else if (error instanceof HttpError) sendHttpError(res, error);
        else sendJson(res, 500, { error: { code: 'InternalServerError', message: (error as Error).message } });
    }
}

function notFound(res: ServerResponse, req: IncomingMessage, url: URL): void {
    sendJson(res, 404, {
        error: { code: 'NotFound', message: `No simulator route for ${req.method} ${url.pathname}.` },
    });
}

/**
 * Listens on 127.0.0.1 and, when the machine has IPv6, on ::1 with the same port: `localhost` may
 * resolve to either, and only loopback is exposed.
 */
async function listen(
    tls: DevCertificates,
    port: number,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Server[]> {
    const ipv4 = await listenOne(tls, port, '127.0.0.1', handler);
    const actualPort = (ipv4.address() as AddressInfo).port;
    try {
        return [ipv4, await listenOne(tls, actualPort, '::1', handler)];
    } catch {
        return [ipv4];
    }
}

function listenOne(
    tls: DevCertificates,
    port: number,
    host: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Server> {
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
    server.keepAliveTimeout = 5_000;
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve(server);
        });
    });
}

function close(server: Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
    });
}
