import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * POST /api/drives/{driveId}/uploads `{ path, size, contentType? }`: checks the path against the
 * SharePoint/OneDrive name rules, then returns a short-lived write SAS URL for the blob (the file
 * never passes through this function). POST .../uploads/complete `{ path }`: the platform finished
 * writing; the blob is hashed and marked changed for the next sync.
 */
export const driveUploadsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { readJsonBody }, { uploadSlotInput }, drives, { createUploadSlot }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/http/requestBody'),
        import('../lib/sync/platform/uploadSchemas'),
        import('../lib/sync/platform/platformDrive'),
        import('../lib/sync/platform/uploadSlot'),
    ]);
    const body = await readJsonBody(request, uploadSlotInput);
    const path = drives.requireCleanPath(body.path, { allowRoot: false });
    drives.requireSyncablePath(path, body.size);
    const services = await getServices();
    const drive = await drives.requirePlatformDrive(services, request.params.driveId!);
    const slot = await createUploadSlot(services, drive, {
        path,
        ...(body.contentType ? { contentType: body.contentType } : {}),
    });
    return {
        status: 201,
        jsonBody: { ...slot, completeUrl: `/api/drives/${encodeURIComponent(drive.id)}/uploads/complete` },
    };
});

export const driveUploadCompleteHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { readJsonBody }, { uploadCompleteInput }, drives, { completeUpload }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/http/requestBody'),
        import('../lib/sync/platform/uploadSchemas'),
        import('../lib/sync/platform/platformDrive'),
        import('../lib/sync/platform/completeUpload'),
    ]);
    const body = await readJsonBody(request, uploadCompleteInput);
    const path = drives.requireCleanPath(body.path, { allowRoot: false });
    const services = await getServices();
    const drive = await drives.requirePlatformDrive(services, request.params.driveId!);
    return { status: 200, jsonBody: await completeUpload(services, drive, path) };
});

export const driveUploads = http('driveUploads', {
    route: 'api/drives/{driveId}/uploads',
    methods: ['POST'],
    authLevel: 'function',
    handler: driveUploadsHandler,
});
export const driveUploadComplete = http('driveUploadComplete', {
    route: 'api/drives/{driveId}/uploads/complete',
    methods: ['POST'],
    authLevel: 'function',
    handler: driveUploadCompleteHandler,
});
