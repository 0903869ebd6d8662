import { z } from 'zod';
import { uploadCompleteInput, uploadSlotInput } from '../../sync/platform/uploadSchemas';
import { JSON_BODY_ERRORS, KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { named, type RouteDescription } from '../routeDescription';
import { fileQuery, folderQuery } from '../../http/queries';

const driveErrors = [...KEYED_ROUTE_ERRORS, 'integration_not_configured', 'drive_not_found'] as const;

const uploadSlot = named(
    'UploadSlot',
    z.looseObject({
        path: z.string(),
        uploadUrl: z.string().meta({
            description:
                'Short-lived write-only SAS URL: PUT the bytes there (Azure Blob Put Blob / Put Block), never through this API.',
        }),
        method: z.string(),
        headers: z.record(z.string(), z.string()),
        expiresOn: z.string(),
        completeUrl: z.string(),
    }),
);
const uploadCompleted = named(
    'UploadCompleted',
    z.looseObject({ path: z.string(), size: z.number(), quickXorHash: z.string(), eTag: z.string() }),
);
const platformItems = named(
    'PlatformItemPage',
    z.looseObject({
        value: z.array(
            z.looseObject({
                name: z.string(),
                path: z.string(),
                isFolder: z.boolean(),
                size: z.number().optional(),
                lastModified: z.string().optional(),
            }),
        ),
        continuationToken: z.string().optional(),
    }),
);

/** The platform store of a drive: upload slots, browsing, downloads. */
export const platformStoreRoutes: RouteDescription[] = [
    {
        method: 'POST',
        path: '/api/drives/{driveId}/uploads',
        operationId: 'createUploadSlot',
        summary: 'Get a write SAS URL for a file (name rules checked first)',
        tag: 'platform store',
        auth: 'function',
        body: { ...named('UploadSlotInput', uploadSlotInput), required: true },
        responses: { 201: { description: 'Upload there, then POST completeUrl.', body: uploadSlot } },
        errors: [...driveErrors, ...JSON_BODY_ERRORS, 'invalid_name', 'invalid_path'],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/uploads/complete',
        operationId: 'completeUpload',
        summary: 'The upload finished: hash it and mark it changed for the next sync',
        tag: 'platform store',
        auth: 'function',
        body: { ...named('UploadCompleteInput', uploadCompleteInput), required: true },
        responses: { 200: { description: 'Hashed and marked.', body: uploadCompleted } },
        errors: [...driveErrors, ...JSON_BODY_ERRORS, 'invalid_path', 'upload_not_found', 'upload_changed'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/items',
        operationId: 'browsePlatformStore',
        summary: 'Browse the platform copy of a drive, one folder page at a time',
        tag: 'platform store',
        auth: 'function',
        query: folderQuery,
        responses: { 200: { description: 'A page of the folder.', body: platformItems } },
        errors: [...driveErrors, 'invalid_path', 'validation_failed', 'folder_not_found'],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}/items/content',
        operationId: 'downloadPlatformItem',
        summary: 'Download a file (only when EnableDownloadExternalFile is on)',
        tag: 'platform store',
        auth: 'function',
        query: fileQuery,
        responses: {
            200: {
                description:
                    'The file, streamed as an attachment (`content-disposition`), with the content type it was stored with (`application/octet-stream` when none) and `x-content-type-options: nosniff`.',
                contentType: '*/*',
            },
        },
        errors: [...driveErrors, 'invalid_path', 'item_not_found', 'download_disabled'],
    },
];
