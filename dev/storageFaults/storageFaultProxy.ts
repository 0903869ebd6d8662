import { randomUUID } from 'node:crypto';
import {
    Agent,
    createServer,
    request as httpRequest,
    type IncomingMessage,
    type Server,
    type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { azuriteConnectionString } from '../azurite/azurite';

/**
 * A small HTTP proxy in front of Azurite that answers some requests the way Azure Storage does when it
 * is under pressure, because Azurite itself never throttles. Everything else is forwarded unchanged to
 * Azurite (which stays the only storage: the proxy keeps no data). The service is pointed at the
 * proxy's connection string; tests switch faults on and off while it runs.
 *
 * Fault answers follow Azure Storage's documented errors ("Common REST API error codes",
 * learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes):
 *   503 ServerBusy        "The server is currently unable to receive requests. Please retry your request."
 *                         (also "Operations per second is over the account limit.", …)
 *   500 OperationTimedOut "The operation could not be completed within the permitted time."
 *   500 InternalError     "The server encountered an internal error. Please retry the request."
 *   403 AuthorizationPermissionMismatch "This request is not authorized to perform this operation using
 *                         this permission." (the identity lacks the data role: a configuration fault)
 * with the x-ms-error-code and x-ms-request-id headers, in the body format of each service: the Table
 * service answers JSON requests with `{"odata.error":{"code","message":{"lang","value"}}}` and others
 * with XML `<Error><Code/><Message/></Error>`; the message ends with RequestId and Time lines (as
 * Azurite's own StorageError does, dist/src/table/errors/StorageError.js).
 */
export type StorageService = 'blob' | 'queue' | 'table';

export interface StorageFaultRule {
    service: StorageService;
    status: 503 | 500 | 429 | 403;
    code: 'ServerBusy' | 'OperationTimedOut' | 'InternalError' | 'TooManyRequests' | 'AuthorizationPermissionMismatch';
    message?: string;
    /** Only requests whose method and path (after the account) match. */
    match?: { method?: string; path?: RegExp };
    /** Answer this many matching requests, then forward again; unlimited when absent. */
    times?: number;
    /** Seconds, sent as Retry-After. */
    retryAfterSeconds?: number;
}

export interface StorageFaultProxy {
    /** The connection string to give the service instead of Azurite's. */
    connectionString: string;
    endpoints: Record<StorageService, string>;
    /** Adds a rule; returns a handle that removes it. */
    inject(rule: StorageFaultRule): { remove(): void; readonly injected: number };
    /**
     * Holds matching requests for `delayMs` before forwarding them: a storage account under load answers
     * late (Azure's latency targets are averages, not bounds) rather than refusing.
     */
    delay(rule: SlowRule): { remove(): void };
    /** Removes every rule. */
    clear(): void;
    /** Calls `watch` with every request before it is answered or forwarded (tests act at a chosen point). */
    observe(watch: (request: ObservedRequest) => void): { stop(): void };
    /** Requests answered with a fault, per service. */
    readonly injected: Record<StorageService, number>;
    /** Requests forwarded to Azurite, per service. */
    readonly forwarded: Record<StorageService, number>;
    stop(): Promise<void>;
}

const MESSAGES: Record<StorageFaultRule['code'], string> = {
    ServerBusy: 'The server is currently unable to receive requests. Please retry your request.',
    OperationTimedOut: 'The operation could not be completed within the permitted time.',
    InternalError: 'The server encountered an internal error. Please retry the request.',
    TooManyRequests: 'The request is being throttled.',
    AuthorizationPermissionMismatch: 'This request is not authorized to perform this operation using this permission.',
};

export interface ObservedRequest {
    service: StorageService;
    method: string;
    /** Path after the account, decoded: `/Tables`, `/t123Drives(PartitionKey='…',RowKey='…')`, `/queue/messages`. */
    path: string;
}

interface ActiveRule extends StorageFaultRule {
    used: number;
}

export interface SlowRule {
    service: StorageService;
    match?: StorageFaultRule['match'];
    delayMs: number;
    /** Delay this many matching requests; unlimited when absent. */
    times?: number;
}

/**
 * `targets`: Azurite's service endpoints (as Azurite prints them, with the account path), e.g.
 * http://127.0.0.1:10002/devstoreaccount1. Ports of the proxy: any free ones unless given.
 */
export async function startStorageFaultProxy(
    targets: Record<StorageService, string>,
    ports: Partial<Record<StorageService, number>> = {},
): Promise<StorageFaultProxy> {
    const rules: ActiveRule[] = [];
    const slowRules: (SlowRule & { used: number })[] = [];
    const injected: Record<StorageService, number> = { blob: 0, queue: 0, table: 0 };
    const forwarded: Record<StorageService, number> = { blob: 0, queue: 0, table: 0 };
    const servers: Server[] = [];
    // Its own connection pool, closed with the proxy (the global agent would keep sockets alive).
    const agent = new Agent({ keepAlive: true });
    const watchers = new Set<(request: ObservedRequest) => void>();
    const endpoints = {} as Record<StorageService, string>;
    for (const service of ['blob', 'queue', 'table'] as const) {
        const target = new URL(targets[service]);
        const server = createServer((req, res) => {
            if (watchers.size > 0) {
                const observed = { service, method: req.method ?? 'GET', path: pathAfterAccount(req, target) };
                for (const watch of watchers) watch(observed);
            }
            const rule = matching(rules, service, req, target);
            if (rule) {
                rule.used++;
                injected[service]++;
                return answerFault(req, res, service, rule);
            }
            forwarded[service]++;
            const slow = matching(slowRules, service, req, target);
            if (!slow) return forward(req, res, target, agent);
            slow.used++;
            setTimeout(() => forward(req, res, target, agent), slow.delayMs);
        });
        const port = await listen(server, ports[service] ?? 0);
        servers.push(server);
        endpoints[service] = `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`;
    }
    return {
        connectionString: azuriteConnectionString(endpoints.blob, endpoints.queue, endpoints.table),
        endpoints,
        inject(rule) {
            const active: ActiveRule = { ...rule, used: 0 };
            rules.push(active);
            return {
                remove: () => {
                    const i = rules.indexOf(active);
                    if (i >= 0) rules.splice(i, 1);
                },
                get injected() {
                    return active.used;
                },
            };
        },
        delay(rule) {
            const active = { ...rule, used: 0 };
            slowRules.push(active);
            return { remove: () => void slowRules.splice(slowRules.indexOf(active) >>> 0, 1) };
        },
        clear: () => {
            rules.splice(0);
            slowRules.splice(0);
        },
        observe(watch) {
            watchers.add(watch);
            return { stop: () => void watchers.delete(watch) };
        },
        injected,
        forwarded,
        stop: async () => {
            await Promise.all(servers.map((s) => close(s)));
            agent.destroy();
        },
    };
}

function pathAfterAccount(req: IncomingMessage, target: URL): string {
    const raw = (req.url ?? '/').split('?')[0]!.slice(target.pathname.replace(/\/$/, '').length);
    try {
        return decodeURIComponent(raw);
    } catch {
        return raw;
    }
}

function matching<R extends Pick<StorageFaultRule, 'service' | 'match' | 'times'> & { used: number }>(
    rules: R[],
    service: StorageService,
    req: IncomingMessage,
    target: URL,
): R | undefined {
    const path = pathAfterAccount(req, target);
    return rules.find(
        (r) =>
            r.service === service &&
            (r.times === undefined || r.used < r.times) &&
            (!r.match?.method || r.match.method === req.method) &&
            (!r.match?.path || r.match.path.test(path)),
    );
}

function answerFault(req: IncomingMessage, res: ServerResponse, service: StorageService, rule: StorageFaultRule): void {
    req.resume();
    const requestId = randomUUID();
    const text = `${rule.message ?? MESSAGES[rule.code]}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
    const json = service === 'table' && /application\/json/i.test(String(req.headers.accept ?? ''));
    const body = json
        ? JSON.stringify({ 'odata.error': { code: rule.code, message: { lang: 'en-US', value: text } } })
        : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${rule.code}</Code><Message>${escapeXml(text)}</Message></Error>`;
    res.writeHead(rule.status, {
        'content-type': json
            ? 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8'
            : 'application/xml',
        'content-length': Buffer.byteLength(body),
        'x-ms-error-code': rule.code,
        'x-ms-request-id': requestId,
        ...(rule.retryAfterSeconds !== undefined ? { 'retry-after': String(rule.retryAfterSeconds) } : {}),
    });
    res.end(body);
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent): void {
    const upstream = httpRequest(
        {
            agent,
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
        },
        (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
        },
    );
    // Azurite stopped: the client sees the connection drop, as it would with Azurite itself gone.
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
}

function escapeXml(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function listen(server: Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}

function close(server: Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
    });
}
