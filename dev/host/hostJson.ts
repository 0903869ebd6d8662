import { readFileSync } from 'node:fs';
import { parseDuration } from './duration';

/** The parts of host.json (schema version 2.0) that the local host honours; the rest is ignored. */
export interface HostJson {
    version?: string;
    functionTimeout?: string;
    extensions?: {
        http?: { routePrefix?: string };
        queues?: {
            batchSize?: number;
            newBatchThreshold?: number;
            maxPollingInterval?: string | number;
            visibilityTimeout?: string | number;
            maxDequeueCount?: number;
            messageEncoding?: 'base64' | 'none';
        };
    };
    [other: string]: unknown;
}

/** host.json after defaults, in milliseconds: what the HTTP server, timers and queue listeners use. */
export interface HostSettings {
    routePrefix: string;
    /** undefined = unbounded ("-1"). */
    functionTimeoutMs: number | undefined;
    queues: QueueSettings;
}

export interface QueueSettings {
    batchSize: number;
    newBatchThreshold: number;
    maxPollingIntervalMs: number;
    visibilityTimeoutMs: number;
    maxDequeueCount: number;
    messageEncoding: 'base64' | 'none';
}

// Defaults documented for the Storage extension 5.x (learn: functions-bindings-storage-queue#host-json).
const MIN_POLLING_INTERVAL_MS = 100;
// Flex Consumption's default functionTimeout; the local host has no plan, so it takes the service's plan.
const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;

export function readHostJson(path: string): HostJson {
    return JSON.parse(readFileSync(path, 'utf8')) as HostJson;
}

/**
 * Applies defaults and validates. `appSettings` may override the route prefix the way the host reads
 * `AzureFunctionsJobHost__extensions__http__routePrefix`.
 */
export function resolveHostSettings(
    hostJson: HostJson,
    appSettings: Readonly<Record<string, string | undefined>>,
): HostSettings {
    if (hostJson.version !== undefined && hostJson.version !== '2.0') {
        throw new Error(`host.json version ${JSON.stringify(hostJson.version)} is not supported: expected "2.0".`);
    }
    const override = appSettings['AzureFunctionsJobHost__extensions__http__routePrefix'];
    const routePrefix = (override ?? hostJson.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
    return {
        routePrefix,
        functionTimeoutMs: functionTimeout(hostJson.functionTimeout),
        queues: queueSettings(hostJson),
    };
}

function functionTimeout(value: string | undefined): number | undefined {
    if (value === undefined) return DEFAULT_FUNCTION_TIMEOUT_MS;
    if (value.trim() === '-1') return undefined;
    return parseDuration(value, 'functionTimeout');
}

function queueSettings(hostJson: HostJson): QueueSettings {
    const q = hostJson.extensions?.queues ?? {};
    const batchSize = integerIn(q.batchSize ?? 16, 1, 32, 'extensions.queues.batchSize');
    const encoding = q.messageEncoding ?? 'base64';
    if (encoding !== 'base64' && encoding !== 'none') {
        throw new Error(
            `host.json extensions.queues.messageEncoding=${JSON.stringify(encoding)}: expected "base64" or "none".`,
        );
    }
    return {
        batchSize,
        // The host's default is N*batchSize/2 with N = vCPUs; one machine in dev behaves like one Consumption core.
        newBatchThreshold: integerIn(
            q.newBatchThreshold ?? Math.floor(batchSize / 2),
            0,
            1000,
            'extensions.queues.newBatchThreshold',
        ),
        maxPollingIntervalMs: Math.max(
            MIN_POLLING_INTERVAL_MS,
            parseDuration(q.maxPollingInterval ?? '00:01:00', 'extensions.queues.maxPollingInterval'),
        ),
        visibilityTimeoutMs: parseDuration(q.visibilityTimeout ?? '00:00:00', 'extensions.queues.visibilityTimeout'),
        maxDequeueCount: integerIn(q.maxDequeueCount ?? 5, 1, 1000, 'extensions.queues.maxDequeueCount'),
        messageEncoding: encoding,
    };
}

function integerIn(value: unknown, min: number, max: number, setting: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new Error(`host.json ${setting}=${JSON.stringify(value)}: expected an integer from ${min} to ${max}.`);
    }
    return value;
}
