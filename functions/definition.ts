import type { HttpFunctionOptions, StorageQueueFunctionOptions, TimerFunctionOptions } from '@azure/functions';

/**
 * One registered function: its trigger kind, name and the exact options passed to `app.http`,
 * `app.timer` or `app.storageQueue`. The Azure entry point (`functions/index.ts`) and the local host
 * (`dev/host`) both consume the same list (`functions/registry.ts`), so they run identical functions.
 */
export type FunctionDefinition =
    | {
          kind: 'http';
          name: string;
          options: HttpFunctionOptions & { route: string; methods: NonNullable<HttpFunctionOptions['methods']> };
      }
    | { kind: 'timer'; name: string; options: TimerFunctionOptions }
    | { kind: 'queue'; name: string; options: StorageQueueFunctionOptions };

export type HttpDefinition = Extract<FunctionDefinition, { kind: 'http' }>;

export function http(name: string, options: HttpDefinition['options']): HttpDefinition {
    return { kind: 'http', name, options };
}

export function timer(name: string, options: TimerFunctionOptions): FunctionDefinition {
    return { kind: 'timer', name, options };
}

export function queue(name: string, options: StorageQueueFunctionOptions): FunctionDefinition {
    return { kind: 'queue', name, options };
}

/** App-setting name of the storage connection used by queue triggers (see lib/config/settings.ts). */
export const STORAGE_CONNECTION = 'SyncStorage';
