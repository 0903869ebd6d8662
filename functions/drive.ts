import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/** /api/drives/{driveId}: inspect (GET, `?refresh=true` checks health live), change (PATCH), remove (DELETE). */
export const driveHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, drives, { readQuery }, { driveQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/driveService'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const services = await getServices();
    const driveId = request.params.driveId!;
    switch (request.method) {
        case 'GET': {
            const { refresh } = readQuery(request, driveQuery);
            const [drive, { subscriptionHealth }] = await Promise.all([
                drives.getDriveChecked(services, driveId, refresh),
                import('../lib/notifications/subscriptionHealth'),
            ]);
            const [[withSync], notifications] = await Promise.all([
                drives.withSyncStatus(services, [drive]),
                subscriptionHealth(services, driveId),
            ]);
            return { status: 200, jsonBody: { ...withSync, notifications } };
        }
        case 'PATCH': {
            const [{ readJsonBody }, { updateDriveInput }] = await Promise.all([
                import('../lib/http/requestBody'),
                import('../lib/drives/driveSchemas'),
            ]);
            return {
                status: 200,
                jsonBody: await drives.updateDrive(services, driveId, await readJsonBody(request, updateDriveInput)),
            };
        }
        default:
            return { status: 200, jsonBody: await drives.removeDrive(services, driveId, actorOf(request)) };
    }
});

export const drive = http('drive', {
    route: 'api/drives/{driveId}',
    methods: ['GET', 'PATCH', 'DELETE'],
    authLevel: 'function',
    handler: driveHandler,
});
