/**
 * The local Functions host: a DEVELOPMENT HARNESS that runs the service's registered functions on one
 * machine the way the Azure Functions host would, from the same registration list
 * (functions/registry.ts) that functions/index.ts hands to `app.*` on Azure. It serves HTTP routes
 * (route templates, routePrefix, the master and platform keys at admin and function level, 100 MB body limit), fires timers on their NCRONTAB
 * schedules and pumps Storage queues with host.json semantics (batching, back-off, visibility
 * timeout, maxDequeueCount and `-poison` queues).
 *
 * It is not the Functions runtime: no worker process, bindings other than the triggers, scale-out or
 * Application Insights. Developers with Azure Functions Core Tools can still run `func start`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { FunctionDefinition } from '../../functions/definition';
import { functions as serviceFunctions } from '../../functions/registry';
import { contractEnforced } from '../contract/contractRecorder';
import type { AppSettings } from './appSettings';
import { resolveHostSettings, type HostJson } from './hostJson';
import { generateFunctionKey } from './http/functionKey';
import { createHttpServer } from './http/httpServer';
import { DEFAULT_MAX_REQUEST_BODY_BYTES } from './http/requestBody';
import { Router } from './http/router';
import { createInvoker, type LogSink } from './invocation';
import { Queues } from './queues/queues';
import { Timers } from './timers/timers';
import { telemetryRoute } from './telemetryRoute';
import { DEFAULT_TIMER_LOCK, LOCK_CONTAINER } from './timers/timerLock';

export type { HostJson } from './hostJson';

export interface LocalHostOptions {
    functions: readonly FunctionDefinition[];
    /** Parsed host.json. */
    hostJson: HostJson;
    /** 0 (the default) picks any free port. */
    port?: number;
    /** The master key (Azure's `_master`: every route, the only key for admin-level routes); generated when absent. */
    functionKey?: string;
    /** The platform key (a named host key: function-level routes only); generated when absent. */
    platformKey?: string;
    /** For %Setting% expressions and queue connections; default process.env. */
    appSettings?: AppSettings;
    /** Default: console.log. */
    log?: LogSink;
    /** The host's lease on a message being processed, renewed at half-time (host: 10 minutes). */
    queueLeaseSeconds?: number;
    /** Request body limit (host: 100 MB). */
    maxRequestBodyBytes?: number;
    /**
     * The timers' storage lock (timers/timerLock.ts): on whenever the AzureWebJobsStorage app setting
     * is set, so several hosts on one storage run each schedule once, as a scaled-out app does; its
     * host id is `AzureFunctionsWebHost__hostid` (default `localhost`). `false` turns it off.
     */
    timerLock?: false | { leaseSeconds?: number; recoveryPollSeconds?: number };
}

export interface LocalHost {
    /** Base URL, e.g. http://127.0.0.1:7071 (no trailing slash). */
    url: string;
    /** The master key: accepted on every keyed route, and the only key the management (admin-level) routes accept. */
    functionKey: string;
    /** The platform key: accepted on function-level routes, refused on admin-level ones. */
    platformKey: string;
    /** Runs a timer function now (after any run in progress); rejects with the handler's error. */
    fireTimer(name: string): Promise<void>;
    /** The timers whose schedule this instance runs (with the storage lock: those whose lock it holds). */
    scheduledTimers(): string[];
    /** What is registered, for the CLI's start-up banner. */
    describe(): LocalHostDescription;
    stop(): Promise<void>;
}

export interface LocalHostDescription {
    routes: { name: string; methods: readonly string[]; path: string; authLevel: string }[];
    timers: { name: string; next: Date | undefined }[];
    queues: { name: string; queue: string }[];
}

const DEFAULT_LEASE_SECONDS = 600;

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
    const appSettings = options.appSettings ?? process.env;
    const settings = resolveHostSettings(options.hostJson, appSettings);
    const invoker = createInvoker(options.log ?? ((line) => console.log(line)), settings.functionTimeoutMs);
    const functionKey = options.functionKey ?? generateFunctionKey();
    const platformKey = options.platformKey ?? generateFunctionKey();
    const leaseSeconds = options.queueLeaseSeconds ?? DEFAULT_LEASE_SECONDS;

    // Everything that can be wrong with a registration fails here, before anything listens, as the host's indexing does.
    assertUniqueNames(options.functions);
    const router = new Router(ofKind(options.functions, 'http'), settings.routePrefix);
    const timers = new Timers(
        ofKind(options.functions, 'timer'),
        appSettings,
        invoker,
        await timerLockOf(options.timerLock, appSettings),
    );
    const queues = new Queues(ofKind(options.functions, 'queue'), appSettings, settings.queues, leaseSeconds, invoker);

    const server = createHttpServer({
        router,
        hostRoutes: [timers.controlRoute(), telemetryRoute()],
        keys: { master: functionKey, platform: platformKey },
        invoker,
        maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
        // Only the service's own functions have a contract (tests of the host itself register others).
        checkContract:
            contractEnforced() &&
            options.functions.filter((f) => f.kind === 'http').every((f) => serviceFunctions.includes(f)),
    });
    try {
        await queues.start();
        await listen(server, options.port ?? 0);
    } catch (e) {
        await queues.stop();
        server.close();
        throw e;
    }
    timers.start();

    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let stopping: Promise<void> | undefined;
    return {
        url,
        functionKey,
        platformKey,
        fireTimer: (name) => timers.fire(name),
        scheduledTimers: () => timers.scheduledHere(),
        describe: () => ({
            routes: router.routes.map((r) => ({
                name: r.definition.name,
                methods: [...r.definition.allowedMethods],
                path: `/${r.template.text}`,
                authLevel: r.definition.options.authLevel ?? 'anonymous',
            })),
            timers: timers.describe(),
            queues: queues.describe(),
        }),
        stop: () => (stopping ??= shutdown(server, timers, queues)),
    };
}

async function timerLockOf(
    option: LocalHostOptions['timerLock'],
    appSettings: AppSettings,
): Promise<ConstructorParameters<typeof Timers>[3]> {
    const connection = appSettings.AzureWebJobsStorage;
    if (option === false || !connection) return undefined;
    // Imported only when used: most tests run one host without a lock.
    const { BlobServiceClient } = await import('@azure/storage-blob');
    return {
        container: BlobServiceClient.fromConnectionString(connection).getContainerClient(LOCK_CONTAINER),
        hostId: (appSettings.AzureFunctionsWebHost__hostid ?? 'localhost').toLowerCase(),
        leaseSeconds: option?.leaseSeconds ?? DEFAULT_TIMER_LOCK.leaseSeconds,
        recoveryPollSeconds: option?.recoveryPollSeconds ?? DEFAULT_TIMER_LOCK.recoveryPollSeconds,
    };
}

function ofKind<K extends FunctionDefinition['kind']>(
    functions: readonly FunctionDefinition[],
    kind: K,
): Extract<FunctionDefinition, { kind: K }>[] {
    return functions.filter((f): f is Extract<FunctionDefinition, { kind: K }> => f.kind === kind);
}

function assertUniqueNames(functions: readonly FunctionDefinition[]): void {
    const seen = new Set<string>();
    for (const f of functions) {
        // Function names are case-insensitive on the host.
        const key = f.name.toLowerCase();
        if (seen.has(key)) throw new Error(`Two functions are named '${f.name}': function names must be unique.`);
        seen.add(key);
    }
}

function listen(server: Server, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
        });
    });
}

/** Stops taking work, lets running invocations finish, then closes idle connections. */
async function shutdown(server: Server, timers: Timers, queues: Queues): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([timers.stop(), queues.stop()]);
    await closed;
}
