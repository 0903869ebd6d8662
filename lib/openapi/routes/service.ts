import { z } from 'zod';
import { KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { healthStatus, openApiDocument, readiness } from '../responseSchemas';
import type { RouteDescription } from '../routeDescription';

/** Health, the API description itself and the admin console page. */
export const serviceRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/health',
        operationId: 'getHealth',
        summary: 'Liveness and readiness: status only (anonymous)',
        description:
            'Anyone may call it, so it says only ok or degraded. One round of probes (Table, Queue, Blob, Key Vault) answers for 15 s per instance; the details are at /api/health/details, with a key.',
        tag: 'service',
        auth: 'anonymous',
        responses: {
            200: { description: 'Every dependency answered.', body: healthStatus },
            503: {
                description: 'At least one dependency failed; GET /api/health/details names it.',
                body: healthStatus,
            },
        },
        errors: ['internal_error'],
    },
    {
        method: 'GET',
        path: '/api/health/details',
        operationId: 'getHealthDetails',
        summary: 'Dependency readiness with status, latency and error of each (Table, Queue, Blob, Key Vault)',
        description:
            'The same cached round as /api/health (15 s), with its details: needs the platform or the master key.',
        tag: 'service',
        auth: 'function',
        responses: {
            200: { description: 'Every dependency answered.', body: readiness },
            503: { description: 'At least one dependency failed; see dependencies.', body: readiness },
        },
        errors: [...KEYED_ROUTE_ERRORS],
    },
    {
        method: 'GET',
        path: '/api/openapi.json',
        operationId: 'getOpenApiDocument',
        summary: 'This API description (OpenAPI 3.1)',
        description:
            'Requires a key (the platform key or the master key): the description lists the management surface and its troubleshooting hints, which only key holders (the platform, the admin console) use.',
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
            'Open it once with ?code=<master key>; the page keeps the key in sessionStorage for its API calls and removes it from the address bar. A management route: only the master (management) key opens it.',
        tag: 'service',
        auth: 'admin',
        query: [
            { name: 'code', description: 'The master (management) key (first load in a browser).', schema: z.string() },
        ],
        responses: { 200: { description: 'The console page.', contentType: 'text/html' } },
        errors: [...KEYED_ROUTE_ERRORS],
    },
];
