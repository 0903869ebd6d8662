import type { HostJson } from '../../dev/host/hostJson';
import { startLocalHost, type LocalHost, type LocalHostOptions } from '../../dev/host/localHost';

/** host.json as the service ships it, with fast queue timings for tests that override it. */
export function testHostJson(queues: NonNullable<HostJson['extensions']>['queues'] = {}): HostJson {
    return {
        version: '2.0',
        functionTimeout: '00:00:20',
        extensions: {
            http: { routePrefix: '' },
            queues: {
                batchSize: 4,
                newBatchThreshold: 2,
                maxDequeueCount: 5,
                visibilityTimeout: '00:00:01',
                maxPollingInterval: '00:00:00.200',
                messageEncoding: 'base64',
                ...queues,
            },
        },
    };
}

/** Starts a host whose log lines are kept for assertions (and printed only when DEBUG_HOST is set). */
export async function startTestHost(
    options: Omit<LocalHostOptions, 'log'>,
): Promise<{ host: LocalHost; logs: string[] }> {
    const logs: string[] = [];
    const host = await startLocalHost({
        ...options,
        log: (line) => {
            logs.push(line);
            if (process.env.DEBUG_HOST) console.log(line);
        },
    });
    return { host, logs };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
    check: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 20_000,
    what = 'condition',
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
        await new Promise((r) => setTimeout(r, 50));
    }
}
