import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../lib/openapi/buildDocument';
import { ROUTES } from '../../lib/openapi/routes';

/**
 * The service's HTTP contract as a checker: every exchange the local host serves in a test is held
 * against the OpenAPI document the service publishes (`GET /api/openapi.json`, built from the same
 * route table), the way a client generated from that document would read it:
 *   - the operation (method + path template) is described;
 *   - the status is declared for that operation;
 *   - the content type is one the status declares (no body where none is declared);
 *   - a JSON body validates against the declared schema (JSON Schema 2020-12, additional properties
 *     forbidden where the document forbids them), and an error's `code` is one the document lists for
 *     that status;
 *   - a request body the document rejects must be answered with a 4xx (else the service accepts what
 *     its description says it refuses, or the test sends what the description does not allow).
 */
export interface Exchange {
    method: string;
    /** Path without the query string, e.g. /api/drives/abc. */
    path: string;
    query: URLSearchParams;
    /** The JSON request body, when the request carried one that parsed. */
    requestJson?: unknown;
    status: number;
    contentType?: string;
    /** The JSON response body, when the response is JSON. */
    responseJson?: unknown;
    /** True when a non-JSON response had a body. */
    hasBody: boolean;
}

export interface Violation {
    operation: string;
    status: number;
    problem: string;
}

type Json = Record<string, unknown>;

interface Operation {
    id: string;
    method: string;
    template: string;
    pattern: RegExp;
    spec: Json;
}

const SCHEMAS_ID = 'https://contract.local/schemas';

export class ApiContract {
    private readonly operations: Operation[];
    private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
    private readonly validators = new Map<string, ValidateFunction>();

    constructor(document: Json = buildOpenApiDocument(ROUTES)) {
        addFormats(this.ajv);
        const components = (document.components as Json | undefined)?.schemas as Json | undefined;
        this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(components ?? {}) });
        this.operations = Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(
            ([template, item]) =>
                Object.entries(item).map(([method, spec]) => ({
                    id: `${method.toUpperCase()} ${template}`,
                    method: method.toUpperCase(),
                    template,
                    pattern: templatePattern(template),
                    spec,
                })),
        );
    }

    /** The operations described for this path, any method (for 405 answers and diagnostics). */
    operationsAt(path: string): Operation[] {
        return this.operations.filter((o) => o.pattern.test(path));
    }

    check(exchange: Exchange): Violation[] {
        const atPath = this.operationsAt(exchange.path);
        const operation = atPath.find((o) => o.method === exchange.method.toUpperCase());
        const where = operation?.id ?? `${exchange.method.toUpperCase()} ${exchange.path}`;
        const violation = (problem: string): Violation => ({ operation: where, status: exchange.status, problem });
        if (!operation) return this.checkUndescribed(exchange, atPath).map(violation);
        return [...this.checkRequest(operation, exchange), ...this.checkResponse(operation, exchange)].map(violation);
    }

    /**
     * A method or path the document does not describe: the only acceptable answers are the host's own
     * (404 for an unknown path; 405 for a known path with another method).
     */
    private checkUndescribed(exchange: Exchange, atPath: Operation[]): string[] {
        if (atPath.length === 0) return exchange.status === 404 ? [] : [`undescribed path answered ${exchange.status}`];
        return exchange.status === 405 || exchange.status === 404
            ? []
            : [`undescribed method answered ${exchange.status} (expected 405)`];
    }

    private checkRequest(operation: Operation, exchange: Exchange): string[] {
        const body = (operation.spec.requestBody as Json | undefined)?.content as Json | undefined;
        const schema = (body?.['application/json'] as Json | undefined)?.schema as Json | undefined;
        const errors = [
            ...(schema && exchange.requestJson !== undefined ? this.validate(schema, exchange.requestJson) : []),
            ...this.queryErrors(operation, exchange.query),
        ];
        if (errors.length === 0 || (exchange.status >= 400 && exchange.status < 500)) return [];
        return [`accepted a request the document rejects (${errors.join('; ')})`];
    }

    private queryErrors(operation: Operation, query: URLSearchParams): string[] {
        const parameters = (operation.spec.parameters as Json[] | undefined) ?? [];
        return parameters
            .filter((p) => p.in === 'query' && query.has(String(p.name)))
            .flatMap((p) =>
                this.validate(p.schema as Json, queryValue(p.schema as Json, query.get(String(p.name))!)).map(
                    (e) => `query ${String(p.name)}: ${e}`,
                ),
            );
    }

    private checkResponse(operation: Operation, exchange: Exchange): string[] {
        const responses = operation.spec.responses as Record<string, Json>;
        const declared = responses[String(exchange.status)];
        if (!declared) return [`status ${exchange.status} is not declared (declared: ${Object.keys(responses)})`];
        const content = declared.content as Record<string, Json> | undefined;
        if (!content) {
            return exchange.hasBody || exchange.responseJson !== undefined
                ? ['a body was sent where the document declares none']
                : [];
        }
        const mediaType = exchange.contentType?.split(';')[0].trim().toLowerCase();
        if (content['*/*']) return [];
        if (!mediaType || !content[mediaType]) {
            return [`content type ${mediaType ?? '(none)'} is not declared (declared: ${Object.keys(content)})`];
        }
        if (mediaType !== 'application/json') return [];
        const problems = this.validate(content[mediaType].schema as Json, exchange.responseJson).map(
            (e) => `body: ${e}`,
        );
        const examples = content[mediaType].examples as Json | undefined;
        const code = errorCode(exchange.responseJson);
        if (examples && code !== undefined && !(code in examples)) {
            problems.push(
                `error code '${code}' is not listed for ${exchange.status} (listed: ${Object.keys(examples)})`,
            );
        }
        return problems;
    }

    private validate(schema: Json, value: unknown): string[] {
        const key = JSON.stringify(schema);
        let validator = this.validators.get(key);
        if (!validator) {
            validator = this.ajv.compile(rewriteRefs(schema) as Json);
            this.validators.set(key, validator);
        }
        if (validator(value)) return [];
        return (validator.errors ?? []).slice(0, 5).map((e) => {
            const extra =
                e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
            return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
        });
    }
}

/** Query values are strings on the wire; a client serializes numbers and booleans as text. */
function queryValue(schema: Json, raw: string): unknown {
    if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    if (schema.type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
    return raw;
}

function errorCode(body: unknown): string | undefined {
    const error = (body as { error?: { code?: unknown } } | undefined)?.error;
    return typeof error?.code === 'string' ? error.code : undefined;
}

function templatePattern(template: string): RegExp {
    const segments = template
        .split('/')
        .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')));
    return new RegExp(`^${segments.join('/')}$`, 'i');
}

/** `#/components/schemas/X` → the shared schema of components, so refs resolve across compiles. */
function rewriteRefs<T>(value: T): T {
    if (Array.isArray(value)) return value.map(rewriteRefs) as T;
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
            k,
            k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
                ? `${SCHEMAS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
                : rewriteRefs(v),
        ]),
    ) as T;
}
