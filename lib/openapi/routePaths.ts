/**
 * Functions route templates (`api/manage/sites/{siteId?}`, `{id:int}`, `{*path}`, `{x=default}`) as
 * OpenAPI paths. An optional trailing parameter yields two paths (with and without it), as the host
 * serves both.
 */
export function toOpenApiPaths(route: string, routePrefix = ''): string[] {
    const text = [routePrefix, route]
        .map((s) => s.replace(/^\/+|\/+$/g, ''))
        .filter((s) => s !== '')
        .join('/');
    const segments = text === '' ? [] : text.split('/');
    let paths = [''];
    for (const segment of segments) {
        const param = /^\{\*{0,2}([^:?=}]+)[^}]*\}$/.exec(segment);
        const optional = param !== null && (/\?\}$/.test(segment) || /=/.test(segment) || segment.startsWith('{*'));
        const value = param ? `{${param[1]}}` : segment.replace(/\{\*{0,2}([^:?=}]+)[^}]*\}/g, '{$1}');
        paths = optional ? [...paths, ...paths.map((p) => `${p}/${value}`)] : paths.map((p) => `${p}/${value}`);
    }
    return [...new Set(paths.map((p) => (p === '' ? '/' : p)))];
}

/** "GET /api/drives/{driveId}" keys for every method and path of a route. */
export function operationKeys(route: string, methods: readonly string[], routePrefix = ''): string[] {
    return toOpenApiPaths(route, routePrefix).flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${p}`));
}
