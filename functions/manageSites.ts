import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * GET /api/manage/sites?search=…&driveId=… and /api/manage/sites/{siteId}/drives?driveId=…: site search
 * and library selection, as the account connected to the drive sees them.
 */
export const manageSitesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { browseSites }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/siteBrowser'),
    ]);
    return { status: 200, jsonBody: await browseSites(await getServices(), request.params.siteId, request.query) };
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
