import { InvocationContext, type FunctionTrigger, type LogLevel, type TriggerMetadata } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { formatDuration } from './duration';

/** Where the local host writes a line: the CLI prints it, tests collect it. */
export type LogSink = (line: string) => void;

export interface Invoker {
    /**
     * Runs one invocation the way the host does: a fresh InvocationContext, "Executing/Executed" log
     * lines, and the host.json functionTimeout. Rejects with the handler's error (or a timeout).
     */
    invoke<T>(call: InvocationCall<T>): Promise<T>;
    log: LogSink;
}

export interface InvocationCall<T> {
    functionName: string;
    /** Why it runs, quoted in the log line as the host does (e.g. "Timer fired at ..."). */
    reason: string;
    trigger: FunctionTrigger;
    triggerMetadata?: TriggerMetadata;
    run: (context: InvocationContext) => T | Promise<T>;
}

export class FunctionTimeoutError extends Error {
    constructor(functionName: string, invocationId: string, timeoutMs: number) {
        super(
            `Timeout value of ${formatDuration(timeoutMs)} exceeded by function 'Functions.${functionName}' (Id: '${invocationId}').`,
        );
        this.name = 'FunctionTimeoutError';
    }
}

export function createInvoker(log: LogSink, functionTimeoutMs: number | undefined): Invoker {
    const line = (text: string) => log(`[${new Date().toISOString()}] ${text}`);
    return {
        log: line,
        async invoke<T>(call: InvocationCall<T>): Promise<T> {
            const invocationId = randomUUID();
            const context = new InvocationContext({
                invocationId,
                functionName: call.functionName,
                triggerMetadata: call.triggerMetadata,
                options: { trigger: call.trigger },
                logHandler: (level, ...args) => line(userLogLine(level, args)),
            });
            const started = performance.now();
            line(`Executing 'Functions.${call.functionName}' (Reason='${call.reason}', Id=${invocationId})`);
            const elapsed = () => `Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms`;
            try {
                const result = await withTimeout(
                    Promise.resolve().then(() => call.run(context)),
                    functionTimeoutMs,
                    () => new FunctionTimeoutError(call.functionName, invocationId, functionTimeoutMs!),
                );
                line(`Executed 'Functions.${call.functionName}' (Succeeded, ${elapsed()})`);
                return result;
            } catch (e) {
                line(`Executed 'Functions.${call.functionName}' (Failed, ${elapsed()})\n${describe(e)}`);
                throw e;
            }
        },
    };
}

function userLogLine(level: LogLevel, args: unknown[]): string {
    const text = format(...args);
    return level === 'information' ? text : `${level}: ${text}`;
}

function describe(e: unknown): string {
    return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : format(e);
}

/**
 * A JavaScript promise cannot be cancelled: like the host, which gives up on the invocation (and on
 * Azure restarts the worker), the caller stops waiting and treats it as failed.
 */
function withTimeout<T>(work: Promise<T>, timeoutMs: number | undefined, error: () => Error): Promise<T> {
    if (timeoutMs === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(error()), timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
