import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ApiError } from '../lib/http/apiError';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/drives/{driveId}/items?path=&pageSize=&continuationToken=: browse the platform store, one folder page at a time. */
export const driveItemsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, drives, browse] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/sync/platform/platformDrive'),
        import('../lib/sync/platform/browsePlatform'),
    ]);
    const path = drives.requireCleanPath(request.query.get('path'), { allowRoot: true });
    const pageSize = parsePageSize(request.query.get('pageSize'), browse.MAX_PAGE_SIZE);
    const continuationToken = request.query.get('continuationToken') ?? undefined;
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

function parsePageSize(raw: string | null, max: number): number {
    if (raw === null) return 200;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) {
        throw new ApiError(
            400,
            'validation_failed',
            `pageSize must be an integer from 1 to ${max}.`,
            `Send pageSize between 1 and ${max}, or leave it out.`,
            [{ field: 'pageSize', code: 'out_of_range', message: `Between 1 and ${max}.` }],
        );
    }
    return n;
}

export const driveItems = http('driveItems', {
    route: 'api/drives/{driveId}/items',
    methods: ['GET'],
    authLevel: 'function',
    handler: driveItemsHandler,
});
