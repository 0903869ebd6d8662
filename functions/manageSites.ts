import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * GET /api/manage/sites?search=…&driveId=… and /api/manage/sites/{siteId}/drives?driveId=…: site search
 * and library selection, as the account connected to the drive sees them.
 */
export const manageSitesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { browseSites }, { readQuery }, { siteSearchQuery, libraryQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/siteBrowser'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const siteId = request.params.siteId;
    const query = siteId ? readQuery(request, libraryQuery) : readQuery(request, siteSearchQuery);
    return { status: 200, jsonBody: await browseSites(await getServices(), siteId, query) };
});

export const manageSites = http('manageSites', {
    route: 'api/manage/sites/{siteId?}',
    methods: ['GET'],
    authLevel: 'function',
    handler: manageSitesHandler,
});
export const manageSiteDrives = http('manageSiteDrives', {
    route: 'api/manage/sites/{siteId}/drives',
    methods: ['GET'],
    authLevel: 'function',
    handler: manageSitesHandler,
});
