import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/** /api/drives: list external drives (GET) or add one (POST → 201 with its single-use connect link). */
export const drivesHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, drives] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/drives/driveService'),
    ]);
    const services = await getServices();
    if (request.method === 'GET')
        return {
            status: 200,
            jsonBody: { value: await drives.withSyncStatus(services, await drives.listAllDrives(services)) },
        };
    const [{ readJsonBody }, { addDriveInput }] = await Promise.all([
        import('../lib/http/requestBody'),
        import('../lib/drives/driveSchemas'),
    ]);
    const added = await drives.addDrive(services, await readJsonBody(request, addDriveInput));
    return { status: 201, jsonBody: added, headers: { location: `/api/drives/${added.drive.id}` } };
});

export const drives = http('drives', {
    route: 'api/drives',
    methods: ['GET', 'POST'],
    authLevel: 'function',
    handler: drivesHandler,
});
