import { z, type ZodType } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errorCatalogue';
import { errorBody } from './responseSchemas';
import type { NamedSchema, ParameterDescription, RouteDescription } from './routeDescription';

export interface DocumentOptions {
    /** The service's public URL (PUBLIC_BASE_URL). */
    serverUrl?: string;
    version?: string;
}

type JsonObject = Record<string, unknown>;

/** Builds the OpenAPI 3.1 document from the route table; zod schemas become JSON Schema 2020-12. */
export function buildOpenApiDocument(routes: readonly RouteDescription[], options: DocumentOptions = {}): JsonObject {
    const components = new SchemaComponents();
    const paths: Record<string, Record<string, JsonObject>> = {};
    for (const route of routes) {
        const item = (paths[route.path] ??= {});
        const method = route.method.toLowerCase();
        if (item[method]) throw new Error(`Two descriptions of ${route.method} ${route.path}.`);
        item[method] = operation(route, components);
    }
    return {
        openapi: '3.1.0',
        info: {
            title: 'SharePoint & OneDrive Sync',
            version: options.version ?? '0.1.0',
            description:
                'Two-way sync between the platform\'s file store and SharePoint / OneDrive. Errors are JSON `{ "error": { "code", "message", "hint", "details" } }` with stable codes.',
        },
        ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
        tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
        paths,
        components: {
            schemas: components.all(),
            securitySchemes: {
                functionKey: {
                    type: 'apiKey',
                    in: 'header',
                    name: 'x-functions-key',
                    description:
                        "The platform key (Azure: the host key named 'platform') or the master key; or the `code` query parameter.",
                },
                managementKey: {
                    type: 'apiKey',
                    in: 'header',
                    name: 'x-functions-key',
                    description:
                        "The master (management) key only (Azure: the '_master' host key; the routes are authLevel admin); or the `code` query parameter.",
                },
            },
        },
    };
}

function operation(route: RouteDescription, components: SchemaComponents): JsonObject {
    const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
    }));
    const queryParams = queryParameters(route.query).map((q) => ({
        name: q.name,
        in: 'query',
        description: q.description,
        required: q.required ?? false,
        schema: q.schema ? inline(q.schema) : { type: 'string' },
    }));
    const op: JsonObject = {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        security:
            route.auth === 'function' ? [{ functionKey: [] }] : route.auth === 'admin' ? [{ managementKey: [] }] : [],
    };
    if (pathParams.length + queryParams.length > 0) op.parameters = [...pathParams, ...queryParams];
    if (route.body) {
        op.requestBody = {
            required: route.body.required ?? true,
            content: { 'application/json': { schema: components.ref(route.body, 'input') } },
        };
    }
    const responses: Record<string, JsonObject> = {};
    for (const [status, r] of Object.entries(route.responses)) {
        if (!r) continue;
        const response: JsonObject = { description: r.description };
        if (r.body) response.content = { 'application/json': { schema: components.ref(r.body, 'output') } };
        else if (r.contentType) response.content = { [r.contentType]: { schema: { type: 'string' } } };
        if (r.headers)
            response.headers = Object.fromEntries(
                Object.entries(r.headers).map(([name, description]) => [
                    name,
                    { description, schema: { type: 'string' } },
                ]),
            );
        responses[status] = response;
    }
    // A route whose query is a zod object refuses invalid values with validation_failed (readQuery).
    const errors =
        route.query && !Array.isArray(route.query) ? [...route.errors, 'validation_failed' as const] : route.errors;
    if (route.auth !== 'anonymous') {
        responses['401'] = {
            description:
                route.auth === 'admin'
                    ? 'No key, or not the master (management) key. The Functions host answers this itself, with an empty body.'
                    : 'No key, or a key the host does not know. The Functions host answers this itself, with an empty body.',
        };
    }
    for (const [status, codes] of errorsByStatus(errors)) {
        responses[status] ??= {
            description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('\n\n'),
            content: { 'application/json': { schema: components.ref(errorBody, 'output'), examples: examples(codes) } },
        };
    }
    op.responses = responses;
    return op;
}

/** A zod query object becomes one parameter per key (required unless it accepts absence). */
function queryParameters(query: RouteDescription['query']): ParameterDescription[] {
    if (!query) return [];
    if (Array.isArray(query)) return query;
    return Object.entries(query.schema.shape).map(([name, schema]) => ({
        name,
        description: (query.describe as Record<string, string>)[name]!,
        schema,
        required: !schema.safeParse(undefined).success,
    }));
}

function errorsByStatus(codes: readonly ErrorCode[]): Map<string, ErrorCode[]> {
    const byStatus = new Map<string, ErrorCode[]>();
    for (const code of new Set(codes)) {
        const status = String(ERROR_CODES[code].status);
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    return new Map([...byStatus].sort(([a], [b]) => a.localeCompare(b)));
}

function examples(codes: ErrorCode[]): JsonObject {
    return Object.fromEntries(
        codes.map((c) => [
            c,
            { summary: ERROR_CODES[c].description, value: { error: { code: c, message: ERROR_CODES[c].description } } },
        ]),
    );
}

function inline(schema: ZodType, io: 'input' | 'output' = 'input'): JsonObject {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
    delete json.$schema;
    return json;
}

/** components.schemas, one entry per name; the same name for two different schemas is a mistake. */
class SchemaComponents {
    private readonly schemas = new Map<string, { schema: ZodType; json: JsonObject }>();

    ref(named: NamedSchema, io: 'input' | 'output'): JsonObject {
        const existing = this.schemas.get(named.name);
        if (existing && existing.schema !== named.schema)
            throw new Error(`Two different schemas are named ${named.name}.`);
        if (!existing) this.schemas.set(named.name, { schema: named.schema, json: inline(named.schema, io) });
        return { $ref: `#/components/schemas/${named.name}` };
    }

    all(): Record<string, JsonObject> {
        return Object.fromEntries(
            [...this.schemas].sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => [name, s.json]),
        );
    }
}
