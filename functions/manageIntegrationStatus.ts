import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/manage/integration/status: the setup checkpoints, verified live (`?refresh=true` skips the 1-minute cache). */
export const manageIntegrationStatusHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { requireIntegration }, { integrationStatus }, { readQuery }, { statusQuery }] =
        await Promise.all([
            import('../lib/runtime/services'),
            import('../lib/integration/integrationSettings'),
            import('../lib/integration/status/integrationStatus'),
            import('../lib/http/query'),
            import('../lib/http/queries'),
        ]);
    const { refresh } = readQuery(request, statusQuery);
    const services = await getServices();
    return {
        status: 200,
        jsonBody: await integrationStatus(services, await requireIntegration(services), refresh),
    };
});

export const manageIntegrationStatus = http('manageIntegrationStatus', {
    route: 'api/manage/integration/status',
    methods: ['GET'],
    authLevel: 'function',
    handler: manageIntegrationStatusHandler,
});
