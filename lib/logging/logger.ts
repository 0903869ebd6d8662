import type { InvocationContext } from '@azure/functions';
import { redact, redactText } from './redact';

/**
 * Structured, redacted logging through the invocation context (so the Functions host correlates it
 * with the invocation). Every message and property passes through redact() first.
 */
export interface Logger {
    info(message: string, properties?: Record<string, unknown>): void;
    warn(message: string, properties?: Record<string, unknown>): void;
    error(message: string, properties?: Record<string, unknown>): void;
}

export function createLogger(context: Pick<InvocationContext, 'log' | 'warn' | 'error'>): Logger {
    const emit = (level: 'log' | 'warn' | 'error') => (message: string, properties?: Record<string, unknown>) => {
        if (properties) context[level](redactText(message), redact(properties));
        else context[level](redactText(message));
    };
    return { info: emit('log'), warn: emit('warn'), error: emit('error') };
}
