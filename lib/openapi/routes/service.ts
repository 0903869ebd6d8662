import { z } from 'zod';
import { KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { openApiDocument, readiness } from '../responseSchemas';
import type { RouteDescription } from '../routeDescription';

/** Health, the API description itself and the admin console page. */
export const serviceRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/health',
        operationId: 'getHealth',
        summary: 'Liveness and dependency readiness (Table, Queue, Blob, Key Vault)',
        tag: 'service',
        auth: 'anonymous',
        responses: {
            200: { description: 'Every dependency answered.', body: readiness },
            503: { description: 'At least one dependency failed; see dependencies.', body: readiness },
        },
        errors: ['internal_error'],
    },
    {
        method: 'GET',
        path: '/api/openapi.json',
        operationId: 'getOpenApiDocument',
        summary: 'This API description (OpenAPI 3.1)',
        description:
            'Requires the function key: the description lists the management surface and its troubleshooting hints, which only key holders (the platform, the admin console) use.',
        tag: 'service',
        auth: 'function',
        responses: { 200: { description: 'The OpenAPI 3.1 document.', body: openApiDocument } },
        errors: [...KEYED_ROUTE_ERRORS],
    },
    {
        method: 'GET',
        path: '/manage',
        operationId: 'getAdminConsole',
        summary: 'The admin console (HTML page)',
        description:
            'Open it once with ?code=<function key>; the page keeps the key in sessionStorage for its API calls and removes it from the address bar.',
        tag: 'service',
        auth: 'function',
        query: [{ name: 'code', description: 'The function key (first load in a browser).', schema: z.string() }],
        responses: { 200: { description: 'The console page.', contentType: 'text/html' } },
        errors: [...KEYED_ROUTE_ERRORS],
    },
];
