import { parseRouteTemplate, splitPath } from '../../dev/host/http/routeTemplate';
import { Router } from '../../dev/host/http/router';
import { http, type HttpDefinition } from '../../functions/definition';

/** A registration as the host sees a plain app.http call: only its own methods are routed to it. */
function plain(name: string, options: HttpDefinition['options']): HttpDefinition {
    return { kind: 'http', name, allowedMethods: options.methods, options };
}

const match = (template: string, path: string) => parseRouteTemplate(template).match(splitPath(path));
const noop = async () => ({ status: 204 });

describe('route templates', () => {
    it('matches literal segments case-insensitively and tolerates a trailing slash', () => {
        expect(match('api/Health', '/API/health/')).toEqual({});
        expect(match('api/health', '/api/healthz')).toBeUndefined();
    });

    it('binds URL-decoded parameters and applies int, guid, alpha and length constraints', () => {
        expect(match('drives/{driveId}/items/{id:int}', '/drives/b%21x%20y/items/42')).toEqual({
            driveId: 'b!x y',
            id: '42',
        });
        expect(match('items/{id:int}', '/items/4x')).toBeUndefined();
        expect(match('items/{id:int}', '/items/99999999999')).toBeUndefined();
        expect(match('items/{id:guid}', '/items/0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({
            id: '0f8fad5b-d9cb-469f-a165-70867728950e',
        });
        expect(match('items/{id:guid}', '/items/not-a-guid')).toBeUndefined();
        expect(match('x/{name:alpha:minlength(3)}', '/x/ab')).toBeUndefined();
        expect(match('x/{name:alpha:minlength(3)}', '/x/abc')).toEqual({ name: 'abc' });
        expect(match('x/{code:regex(^[a-z]{{2}}\\d$)}', '/x/ab1')).toEqual({ code: 'ab1' });
        expect(match('x/{n:range(1,5)}', '/x/6')).toBeUndefined();
    });

    it('handles optional, default and catch-all parameters', () => {
        expect(match('opt/{name?}', '/opt')).toEqual({});
        expect(match('opt/{name?}', '/opt/a')).toEqual({ name: 'a' });
        expect(match('def/{page=1}', '/def')).toEqual({ page: '1' });
        expect(match('files/{*path}', '/files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
        expect(match('files/{*path}', '/files')).toEqual({});
        expect(match('files/{name}', '/files/a/b')).toBeUndefined();
    });

    it('matches complex segments right to left, as ASP.NET does', () => {
        expect(match('f/{name}.{ext}', '/f/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    });

    it('rejects unknown constraints and misplaced catch-alls at start-up', () => {
        expect(() => parseRouteTemplate('x/{id:bogus}')).toThrow(/constraint reference 'bogus'/);
        expect(() => parseRouteTemplate('x/{*rest}/y')).toThrow(/catch-all/);
    });
});

describe('router', () => {
    it('prefers literal over constrained over free parameters, and filters by method', () => {
        const router = new Router(
            [
                // As the host sees plain app.http registrations (the service's http() routes every method).
                plain('free', { route: 'items/{name}', methods: ['GET'], handler: noop }),
                plain('typed', { route: 'items/{id:int}', methods: ['GET'], handler: noop }),
                plain('literal', { route: 'items/latest', methods: ['GET'], handler: noop }),
                plain('post', { route: 'items/{name}', methods: ['POST'], handler: noop }),
            ],
            'api',
        );
        expect(router.match('GET', '/api/items/latest')?.route.definition.name).toBe('literal');
        expect(router.match('GET', '/api/items/7')?.route.definition.name).toBe('typed');
        expect(router.match('GET', '/api/items/x')?.route.definition.name).toBe('free');
        expect(router.match('POST', '/api/items/x')?.route.definition.name).toBe('post');
        expect(router.match('DELETE', '/api/items/x')).toBeUndefined();
        expect(router.match('GET', '/items/x')).toBeUndefined();
    });

    it('refuses routes that begin with admin, as the host does', () => {
        expect(
            () => new Router([http('a', { route: 'administration/x', methods: ['GET'], handler: noop })], ''),
        ).toThrow(/built-in admin routes/);
    });
});
