import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/** /api/manage/properties: system properties (GET, PATCH), audited. */
export const managePropertiesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, props] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/properties/properties'),
    ]);
    const services = await getServices();
    const table = await services.tables.get('properties');
    if (request.method === 'GET') return { status: 200, jsonBody: (await props.readProperties(table)).properties };

    const [{ readJsonBody }, { recordAudit }] = await Promise.all([
        import('../lib/http/requestBody'),
        import('../lib/audit/audit'),
    ]);
    const patch = await readJsonBody(request, props.propertiesPatchSchema);
    const result = await props.patchProperties(table, patch);
    if (result.changed.length > 0) {
        await recordAudit(await services.tables.get('audit'), {
            actor: actorOf(request),
            action: 'properties.update',
            target: 'properties',
            changed: result.changed,
        });
    }
    return { status: 200, jsonBody: { ...result.properties, changed: result.changed } };
});

export const manageProperties = http('manageProperties', {
    route: 'api/manage/properties',
    methods: ['GET', 'PATCH'],
    authLevel: 'function',
    handler: managePropertiesHandler,
});
