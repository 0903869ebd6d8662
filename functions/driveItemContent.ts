import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/items/content?path=: the platform copy, streamed; 403 download_disabled unless EnableDownloadExternalFile. */
export const driveItemContentHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, drives, { downloadPlatformFile }, { readQuery }, { fileQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/platform/platformDrive'),
        import('../lib/sync/platform/downloadPlatform'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const path = drives.requireCleanPath(readQuery(request, fileQuery).path, { allowRoot: false });
    const services = await getServices();
    const drive = await drives.requirePlatformDrive(services, request.params.driveId!);
    return downloadPlatformFile(services, drive, path);
});

export const driveItemContent = http('driveItemContent', {
    route: 'api/drives/{driveId}/items/content',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveItemContentHandler,
});
