import type { InvocationContext } from '@azure/functions';
import { emitLog } from '../telemetry/telemetry';
import { redact, redactText } from './redact';

/**
 * Structured, redacted logging. Each line goes to the invocation context (so the Functions host
 * correlates it with the invocation; `context.log` joins its arguments into one message) and, as a
 * record with its properties kept apart, to the telemetry sinks (lib/telemetry): custom dimensions in
 * Application Insights. Every message and property passes through redact() first.
 */
export interface Logger {
    info(message: string, properties?: Record<string, unknown>): void;
    warn(message: string, properties?: Record<string, unknown>): void;
    error(message: string, properties?: Record<string, unknown>): void;
}

/** The dimensions that say what a line is about; bound once with {@link withContext}. */
export interface LogContext {
    operation?: string;
    driveId?: string;
    runId?: string;
    transferId?: string;
    [key: string]: unknown;
}

export function createLogger(
    context: Pick<InvocationContext, 'log' | 'warn' | 'error'> & { invocationId?: string; functionName?: string },
    bound: LogContext = {},
): Logger {
    const base: LogContext = {
        ...(context.functionName ? { operation: context.functionName } : {}),
        ...(context.invocationId ? { invocationId: context.invocationId } : {}),
        ...bound,
    };
    const emit =
        (level: 'log' | 'warn' | 'error', telemetryLevel: 'info' | 'warn' | 'error') =>
        (message: string, properties?: Record<string, unknown>) => {
            const text = redactText(message);
            const safe = properties ? (redact(properties) as Record<string, unknown>) : undefined;
            if (safe) context[level](text, safe);
            else context[level](text);
            emitLog({ level: telemetryLevel, message: text, properties: { ...base, ...safe }, at: Date.now() });
        };
    return { info: emit('log', 'info'), warn: emit('warn', 'warn'), error: emit('error', 'error') };
}

/** A logger whose every line carries `bound` (driveId, runId, transferId, operation) as properties. */
export function withContext(log: Logger, bound: LogContext): Logger {
    const merge = (properties?: Record<string, unknown>) => ({ ...bound, ...properties });
    return {
        info: (message, properties) => log.info(message, merge(properties)),
        warn: (message, properties) => log.warn(message, merge(properties)),
        error: (message, properties) => log.error(message, merge(properties)),
    };
}
