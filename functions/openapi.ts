import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * GET /api/openapi.json: the API description, generated from lib/openapi/routes (request schemas are
 * the handlers' own zod schemas). Function key: only key holders use the management surface.
 */
export const openapiHandler = handle(async (_request: HttpRequest): Promise<HttpResponseInit> => {
    const { openApiDocument } = await import('../lib/openapi/document');
    return { status: 200, jsonBody: openApiDocument(), headers: { 'cache-control': 'no-cache' } };
});

export const openapi = http('openapi', {
    route: 'api/openapi.json',
    methods: ['GET'],
    authLevel: 'function',
    handler: openapiHandler,
});
