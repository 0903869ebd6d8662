/* eslint-disable no-console -- the one sanctioned fallback: see below. */
import type { Logger } from './logger';
import { redact, redactText } from './redact';

/**
 * Some logs must always be written (alerts, MSAL's warnings), but some callers run without an InvocationContext at hand (e.g. a
 * drive health check deep in a service function). The Node.js worker attributes console output to
 * the running invocation, so this still lands in the invocation's logs: structured and redacted like
 * createLogger's. Callers that have a Logger pass it instead.
 */
export const consoleLogger: Logger = {
    info: (message, properties) => console.log(redactText(message), properties ? redact(properties) : ''),
    warn: (message, properties) => console.warn(redactText(message), properties ? redact(properties) : ''),
    error: (message, properties) => console.error(redactText(message), properties ? redact(properties) : ''),
};
