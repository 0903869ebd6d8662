import { buildOpenApiDocument } from '../../lib/openapi/buildDocument';
import { ROUTES } from '../../lib/openapi/routes';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';
import { registeredFunctions } from './registeredRoutes';

describe('GET /api/openapi.json', () => {
    let env: ServiceEnvironment;
    beforeAll(async () => (env = await startServiceEnvironment({ functions: registeredFunctions() })));
    afterAll(() => env.stop());

    it('requires the function key', async () => {
        const res = await env.api('GET', '/api/openapi.json', { key: false });
        expect(res.status).toBe(401);
        expect(res.text).toBe('');
    });

    it('serves the document generated from the route table, with this service as the server', async () => {
        const res = await env.api('GET', '/api/openapi.json');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.body).toEqual(buildOpenApiDocument(ROUTES, { serverUrl: env.settings.PUBLIC_BASE_URL }));
        expect(res.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: env.settings.PUBLIC_BASE_URL }] });
    });
});
