/**
 * What one Microsoft Graph request costs in SharePoint resource units. Source: "Avoid getting throttled
 * or blocked in SharePoint Online", section "Resource units" (SharePoint/sp-dev-docs,
 * docs/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online.md):
 *
 * | 1 | single item query (get item), delta with a token, download file from drive item |
 * | 2 | multi item query (list children), except delta with a token; create, update, delete, upload |
 * | 5 | all permission resource operations, including `$expand=permissions` |
 *
 * "The delta request without a token is considered a multi-item query and costs 2 resource units."
 */
export const RESOURCE_UNITS = { single: 1, multi: 2, permissions: 5 } as const;

/** Last path segments that name a collection (a multi-item query). */
const COLLECTIONS = new Set(['children', 'drives', 'sites', 'subscriptions', 'users', 'versions', 'thumbnails']);

/** The cost of a request to `/v1.0/...` (the path below the version is read). */
export function resourceUnitCost(method: string, url: URL): number {
    const path = url.pathname.replace(/^\/v1\.0/, '');
    const expand = url.searchParams.get('$expand') ?? '';
    if (/\/permissions(\/|$)/.test(path) || /\bpermissions\b/i.test(expand)) return RESOURCE_UNITS.permissions;
    const verb = method.toUpperCase();
    if (verb !== 'GET' && verb !== 'HEAD') return RESOURCE_UNITS.multi;
    if (/\/delta(\(|$|\/)/.test(path) || path.endsWith('/delta')) {
        const token = url.searchParams.get('token') ?? /delta\(token='([^']*)'\)/.exec(decodeSafe(path))?.[1];
        return token ? RESOURCE_UNITS.single : RESOURCE_UNITS.multi;
    }
    if (path.endsWith('/content')) return RESOURCE_UNITS.single;
    const last = path.split('/').filter(Boolean).pop() ?? '';
    if (COLLECTIONS.has(last) || url.searchParams.has('search')) return RESOURCE_UNITS.multi;
    return RESOURCE_UNITS.single;
}

function decodeSafe(path: string): string {
    try {
        return decodeURIComponent(path);
    } catch {
        return path;
    }
}
