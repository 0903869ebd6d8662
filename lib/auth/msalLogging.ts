import type { Configuration } from '@azure/msal-node';
import { consoleLogger } from '../logging/consoleLogger';

type LoggerOptions = NonNullable<NonNullable<Configuration['system']>['loggerOptions']>;

/**
 * Warnings MSAL writes for what is normal here: an app-only (client credentials) token never carries
 * `client_info` (Entra returns it only to user sign-ins that ask for it), so every app token would warn.
 */
const EXPECTED = ['No client info in response'];

/**
 * MSAL's own warnings and errors (a cache it could not read, a clock skew, a refresh it gave up on)
 * reach the Functions host's log, redacted, without PII. They go through the console logger rather than
 * an invocation's context because an MSAL client can outlive the invocation that built it (the app-only
 * token client is kept per integration); the host records console output as traces of the worker.
 * `LogLevel` is passed in because msal-node is imported lazily (cold start).
 */
export function msalLoggerOptions(levels: { Warning: number; Error: number }): LoggerOptions {
    return {
        logLevel: levels.Warning,
        piiLoggingEnabled: false,
        loggerCallback: (level, message, containsPii) => {
            if (containsPii || EXPECTED.some((m) => message.includes(m))) return;
            if (level === levels.Error) consoleLogger.error(`msal: ${message}`);
            else consoleLogger.warn(`msal: ${message}`);
        },
    };
}
