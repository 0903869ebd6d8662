import { z } from 'zod';
import { addDriveInput, reconnectInput, updateDriveInput } from '../../lib/drives/driveSchemas';
import { integrationSettingsInput } from '../../lib/integration/settingsSchema';
import { buildOpenApiDocument } from '../../lib/openapi/buildDocument';
import { ERROR_CODES } from '../../lib/openapi/errorCatalogue';
import { ROUTES } from '../../lib/openapi/routes';
import { propertiesPatchSchema } from '../../lib/properties/properties';
import { registeredOperations } from './registeredRoutes';
import { validateOpenApi } from './schemaValidator';

type Doc = {
    openapi: string;
    paths: Record<
        string,
        Record<string, { security: unknown[]; responses: Record<string, unknown>; requestBody?: unknown }>
    >;
    components: { schemas: Record<string, unknown> };
};

const doc = buildOpenApiDocument(ROUTES, { serverUrl: 'https://sync.example.com' }) as Doc;
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

function documentedOperations(): string[] {
    return Object.entries(doc.paths).flatMap(([p, item]) =>
        Object.keys(item)
            .filter((m) => METHODS.includes(m))
            .map((m) => `${m.toUpperCase()} ${p}`),
    );
}

describe('the OpenAPI document', () => {
    it('describes exactly the HTTP functions the registry registers (no drift either way)', () => {
        const registered = [...registeredOperations().keys()].sort();
        const documented = documentedOperations().sort();
        const undocumented = registered.filter((k) => !documented.includes(k));
        const stale = documented.filter((k) => !registered.includes(k));
        // A new route must be described in lib/openapi/routes (and a removed one removed there).
        expect({ undocumented, stale }).toEqual({ undocumented: [], stale: [] });
    });

    it("states each route's auth level as the registry does", () => {
        for (const [key, definition] of registeredOperations()) {
            const [method, path] = key.split(' ') as [string, string];
            const op = doc.paths[path]?.[method.toLowerCase()];
            if (!op) continue; // reported by the drift test
            const level = definition.options.authLevel ?? 'anonymous';
            const scheme = { anonymous: [], function: ['functionKey'], admin: ['managementKey'] }[level];
            expect({ key, schemes: (op.security as object[]).flatMap((s) => Object.keys(s)) }).toEqual({
                key,
                schemes: scheme,
            });
        }
    });

    it('is a valid OpenAPI 3.1 document', () => {
        const result = validateOpenApi(doc);
        if (!result.available) {
            if (process.env.CI) throw new Error(`${result.reason}: add it to devDependencies.`);
            console.warn(`Skipping OpenAPI schema validation: ${result.reason}.`);
            return;
        }
        expect(result.errors).toBeNull();
        expect(result.valid).toBe(true);
        expect(doc.openapi).toBe('3.1.0');
        // The validator does reject a broken document (no info, a path without its leading slash).
        expect(validateOpenApi({ openapi: '3.1.0', paths: { 'api/x': {} } })).toMatchObject({
            available: true,
            valid: false,
        });
    });

    it("uses the handlers' own zod schemas for request bodies", () => {
        const json = (schema: z.ZodType) => {
            const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
                target: 'draft-2020-12',
                io: 'input',
                unrepresentable: 'any',
            }) as Record<string, unknown>;
            return rest;
        };
        expect(doc.components.schemas.IntegrationSettingsInput).toEqual(json(integrationSettingsInput()));
        expect(doc.components.schemas.AddDriveInput).toEqual(json(addDriveInput));
        expect(doc.components.schemas.UpdateDriveInput).toEqual(json(updateDriveInput));
        expect(doc.components.schemas.ReconnectInput).toEqual(json(reconnectInput));
        expect(doc.components.schemas.PropertiesPatch).toEqual(json(propertiesPatchSchema));
        expect(doc.paths['/api/manage/integration']!.put!.requestBody).toEqual({
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/IntegrationSettingsInput' } } },
        });
    });

    it("lists each operation's error codes under their status, in the error shape", () => {
        const put = doc.paths['/api/manage/integration']!.put!.responses;
        expect(put['400']).toMatchObject({
            description: expect.stringContaining('`validation_failed`'),
            content: {
                'application/json': {
                    schema: { $ref: '#/components/schemas/ErrorBody' },
                    examples: { validation_failed: expect.anything(), invalid_json: expect.anything() },
                },
            },
        });
        // The host's own 401 has no body (m365-quirks.md 13): described, with no content.
        expect(put['401']).toMatchObject({ description: expect.stringContaining('empty body') });
        expect((put['401'] as { content?: unknown }).content).toBeUndefined();
        for (const route of ROUTES) for (const code of route.errors) expect(ERROR_CODES[code]).toBeDefined();
    });

    it('refuses two descriptions of one operation', () => {
        expect(() => buildOpenApiDocument([ROUTES[0]!, ROUTES[0]!])).toThrow(/Two descriptions of GET \/api\/health/);
    });
});
