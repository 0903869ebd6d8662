import { operationKeys, toOpenApiPaths } from '../../lib/openapi/routePaths';

describe('Functions route templates as OpenAPI paths', () => {
    it.each([
        ['api/drives', '', ['/api/drives']],
        ['api/drives/{driveId}', '', ['/api/drives/{driveId}']],
        ['api/manage/sites/{siteId?}', '', ['/api/manage/sites', '/api/manage/sites/{siteId}']],
        ['items/{id:int}', 'api', ['/api/items/{id}']],
        ['files/{*path}', '', ['/files', '/files/{path}']],
        ['runs/{page=1}', '', ['/runs', '/runs/{page}']],
        ['files/{name}.{ext}', '', ['/files/{name}.{ext}']],
        ['/manage/', '', ['/manage']],
    ])('%s (prefix %p)', (route, prefix, expected) => {
        expect(toOpenApiPaths(route, prefix)).toEqual(expected);
    });

    it('pairs every path with every method', () => {
        expect(operationKeys('api/manage/sites/{siteId?}', ['get'])).toEqual([
            'GET /api/manage/sites',
            'GET /api/manage/sites/{siteId}',
        ]);
    });
});
