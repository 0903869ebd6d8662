import type { ZodType } from 'zod';
import type { QueryDescription } from '../http/query';
import type { ErrorCode } from './errorCatalogue';

/**
 * One HTTP operation as the API description states it: the route table the OpenAPI document is
 * generated from. Request schemas are the very zod schemas the handlers validate with, so the
 * description cannot drift from what the service accepts.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A schema that appears under components.schemas with this name. */
export interface NamedSchema {
    name: string;
    schema: ZodType;
}

export interface ParameterDescription {
    name: string;
    description: string;
    schema?: ZodType;
    required?: boolean;
}

export interface ResponseDescription {
    description: string;
    /** JSON body (application/json). */
    body?: NamedSchema;
    /** A non-JSON body, e.g. an HTML page. */
    contentType?: string;
    headers?: Record<string, string>;
}

export interface RouteDescription {
    method: HttpMethod;
    /** OpenAPI path, including the host's route prefix: /api/drives/{driveId}. */
    path: string;
    operationId: string;
    summary: string;
    description?: string;
    tag: string;
    /**
     * 'function': a key is required (the platform key, or the master key); 'admin': a management route,
     * only the master (management) key opens it. Either goes in x-functions-key (or ?code=).
     */
    auth: 'function' | 'admin' | 'anonymous';
    /** The route's query parameters: the zod object its handler parses (readQuery), or a plain list. */
    query?: QueryDescription | ParameterDescription[];
    /** The JSON request body, validated by the handler with this same schema. */
    body?: NamedSchema & { required?: boolean };
    /** Success responses by status. */
    responses: Partial<Record<number, ResponseDescription>>;
    /** Error codes the operation can answer with (see errorCatalogue.ts); statuses follow from the codes. */
    errors: ErrorCode[];
}

export function named(name: string, schema: ZodType): NamedSchema {
    return { name, schema };
}
