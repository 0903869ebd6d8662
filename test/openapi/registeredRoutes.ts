import type { FunctionDefinition, HttpDefinition } from '../../functions/definition';
import { functions as registry } from '../../functions/registry';
import { operationKeys } from '../../lib/openapi/routePaths';
import { readHostJson } from '../support/serviceEnvironment';

/**
 * What the service registers at test time: functions/registry.ts plus the console and API description
 * (until the registry lists them; duplicates by name are dropped).
 */
export function registeredFunctions(): FunctionDefinition[] {
    const byName = new Map<string, FunctionDefinition>();
    for (const f of registry) if (!byName.has(f.name.toLowerCase())) byName.set(f.name.toLowerCase(), f);
    return [...byName.values()];
}

export function routePrefix(): string {
    const host = readHostJson() as { extensions?: { http?: { routePrefix?: string } } };
    return host.extensions?.http?.routePrefix ?? 'api';
}

/** "METHOD /path" for every registered HTTP function, as OpenAPI paths. */
export function registeredOperations(): Map<string, HttpDefinition> {
    const out = new Map<string, HttpDefinition>();
    for (const f of registeredFunctions()) {
        if (f.kind !== 'http') continue;
        for (const key of operationKeys(f.options.route, f.allowedMethods, routePrefix())) out.set(key, f);
    }
    return out;
}
