import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resetConfigForTests } from '../../lib/config/config';
import { resetServicesForTests } from '../../lib/runtime/services';
import { functions as registry } from '../../functions/registry';
import type { FunctionDefinition } from '../../functions/definition';
import { startKeyVaultDouble, type KeyVaultDouble } from '../../dev/keyvault/keyVaultDouble';
import { startLocalHost, type HostJson, type LocalHost } from '../../dev/host/localHost';
import { isolatedStorageSettings } from './uniqueNames';

/**
 * The service as a platform sees it, for one test suite: its own tables, queues and container in the
 * shared Azurite, its own Key Vault double, and the local host serving the real registered functions
 * over HTTP. Optionally a Microsoft 365 simulator (passed in, so suites choose how to seed it).
 */
export interface ServiceEnvironment {
    settings: Record<string, string>;
    host: LocalHost;
    vault: KeyVaultDouble;
    /** Every response (status, headers, body) the suite received through api(), for leak checks. */
    transcript: string[];
    /** Calls the service over HTTP; sends the function key unless `key: false` (or a string to send instead). */
    api(
        method: string,
        route: string,
        options?: { body?: unknown; rawBody?: string; key?: boolean | string; headers?: Record<string, string> },
    ): Promise<ApiResponse>;
    stop(): Promise<void>;
}

export interface ApiResponse {
    status: number;
    headers: Headers;
    body: unknown;
    text: string;
}

export interface ServiceEnvironmentOptions {
    /** Extra or overriding app settings (e.g. the simulator's URLs). */
    settings?: Record<string, string>;
    functions?: readonly FunctionDefinition[];
    hostJson?: HostJson;
    /** Host log lines (handler logs included) are collected here, for redaction checks. */
    logLines?: string[];
    /** The host's lease on a message being processed (default 600 s, as Azure's host): a message whose settling failed reappears after it. */
    queueLeaseSeconds?: number;
}

export function readHostJson(): HostJson {
    return JSON.parse(readFileSync(path.join(__dirname, '../../host.json'), 'utf8')) as HostJson;
}

export async function startServiceEnvironment(options: ServiceEnvironmentOptions = {}): Promise<ServiceEnvironment> {
    const vault = await startKeyVaultDouble();
    const settings: Record<string, string> = {
        ...isolatedStorageSettings(),
        KEY_VAULT_URL: vault.url,
        KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
        AZURE_CREDENTIAL: 'dev',
        PUBLIC_BASE_URL: 'http://localhost:7071',
        PLATFORM_ALLOWED_ORIGINS: 'https://intranet.example.com',
        ...options.settings,
    };
    // The service reads process.env (as on Azure); each jest worker runs one suite at a time.
    Object.assign(process.env, settings);
    resetConfigForTests();
    resetServicesForTests();
    const logLines = options.logLines;
    const transcript: string[] = [];
    const host = await startLocalHost({
        functions: (options.functions ?? registry).map(onlyWhenFired),
        hostJson: options.hostJson ?? readHostJson(),
        appSettings: process.env,
        log: (line) => logLines?.push(line),
        queueLeaseSeconds: options.queueLeaseSeconds,
    });
    return {
        settings,
        host,
        vault,
        transcript,
        api: async (method, route, o = {}) => {
            const res = await callApi(host, method, route, o);
            transcript.push(`${res.status} ${JSON.stringify([...res.headers])} ${res.text}`);
            return res;
        },
        async stop() {
            await host.stop();
            await vault.stop().catch(() => undefined); // a test may have stopped it to simulate an outage
            for (const k of Object.keys(settings)) delete process.env[k];
            resetConfigForTests();
            resetServicesForTests();
        },
    };
}

/**
 * Timers in tests run only when a test fires them (host.fireTimer): a scheduler firing every minute in
 * the background would make suites depend on the wall clock.
 */
function onlyWhenFired(f: FunctionDefinition): FunctionDefinition {
    return f.kind === 'timer' ? { ...f, options: { ...f.options, schedule: '0 0 0 1 1 *', runOnStartup: false } } : f;
}

async function callApi(
    host: LocalHost,
    method: string,
    route: string,
    o: { body?: unknown; rawBody?: string; key?: boolean | string; headers?: Record<string, string> },
): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key !== false) headers['x-functions-key'] = typeof o.key === 'string' ? o.key : host.functionKey;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${host.url}${route}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    try {
        parsed = text ? JSON.parse(text) : undefined;
    } catch {
        /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
}
