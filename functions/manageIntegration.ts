import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/** /api/manage/integration: the Entra app registration the service uses (GET, PUT, DELETE). */
export const manageIntegrationHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, settings] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/integration/integrationSettings'),
    ]);
    const services = await getServices();
    switch (request.method) {
        case 'GET': {
            const record = await settings.requireIntegration(services);
            return { status: 200, jsonBody: settings.toView(record, Date.now()) };
        }
        case 'PUT': {
            const [{ readJsonBody }, { integrationSettingsInput }] = await Promise.all([
                import('../lib/http/requestBody'),
                import('../lib/integration/settingsSchema'),
            ]);
            const input = await readJsonBody(request, integrationSettingsInput());
            const result = await settings.saveIntegrationSettings(services, input, actorOf(request));
            return { status: result.created ? 201 : 200, jsonBody: { ...result.view, changed: result.changed } };
        }
        default: {
            const { removeIntegration } = await import('../lib/integration/removeIntegration');
            return { status: 200, jsonBody: await removeIntegration(services, actorOf(request)) };
        }
    }
});

export const manageIntegration = http('manageIntegration', {
    route: 'api/manage/integration',
    methods: ['GET', 'PUT', 'DELETE'],
    authLevel: 'function',
    handler: manageIntegrationHandler,
});
