import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/items?path=&pageSize=&continuationToken=: browse the platform store, one folder page at a time. */
export const driveItemsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, drives, browse, { readQuery }, { folderQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/platform/platformDrive'),
        import('../lib/sync/platform/browsePlatform'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const query = readQuery(request, folderQuery);
    const path = drives.requireCleanPath(query.path ?? null, { allowRoot: true });
    const { pageSize, continuationToken } = query;
    const services = await getServices();
    const drive = await drives.requirePlatformDrive(services, request.params.driveId!);
    return {
        status: 200,
        jsonBody: await browse.browsePlatform(services, drive, path, {
            pageSize,
            ...(continuationToken ? { continuationToken } : {}),
        }),
    };
});

export const driveItems = http('driveItems', {
    route: 'api/drives/{driveId}/items',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveItemsHandler,
});
