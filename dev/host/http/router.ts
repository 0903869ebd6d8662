import type { HttpDefinition } from '../../../functions/definition';
import { parseRouteTemplate, RouteTemplate, splitPath } from './routeTemplate';

export interface HttpRoute {
    definition: HttpDefinition;
    template: RouteTemplate;
    methods: ReadonlySet<string>;
}

export interface RouteMatch {
    route: HttpRoute;
    params: Record<string, string>;
}

/**
 * The HTTP routing table: prefix + route for every http definition. A path that matches but with a
 * method the function does not accept is a 404, as on the Functions host (it never answers 405).
 */
export class Router {
    readonly routes: readonly HttpRoute[];

    constructor(definitions: readonly HttpDefinition[], routePrefix: string) {
        this.routes = definitions.map((d) => createRoute(d, routePrefix));
    }

    match(method: string, pathname: string): RouteMatch | undefined {
        const segments = splitPath(pathname);
        let best: RouteMatch | undefined;
        for (const route of this.routes) {
            if (!route.methods.has(method.toUpperCase())) continue;
            const params = route.template.match(segments);
            if (params && (!best || comparePrecedence(route.template.precedence, best.route.template.precedence) < 0)) {
                best = { route, params };
            }
        }
        return best;
    }
}

function createRoute(definition: HttpDefinition, routePrefix: string): HttpRoute {
    const route = definition.options.route.replace(/^\/+|\/+$/g, '');
    // The host refuses these at indexing time: "The specified route conflicts with one or more built in routes."
    if (/^admin/i.test(route)) {
        throw new Error(
            `Function '${definition.name}': route '${route}' conflicts with the host's built-in admin routes (routes may not begin with 'admin').`,
        );
    }
    const text = [routePrefix, route].filter((s) => s !== '').join('/');
    return {
        definition,
        template: parseRouteTemplate(text),
        methods: new Set(definition.options.methods.map((m) => m.toUpperCase())),
    };
}

function comparePrecedence(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const d = (a[i] ?? 0) - (b[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}
