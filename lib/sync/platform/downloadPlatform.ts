import type { HttpResponseInit } from '@azure/functions';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { DriveRecord } from '../../drives/driveRecord';
import { ApiError } from '../../http/apiError';
import { readProperties } from '../../properties/properties';
import type { Services } from '../../runtime/services';
import { isFolderMarker } from './platformLayout';
import { openPlatformBlob } from './platformContainer';

/**
 * Streams the platform copy of a file, if the admin allows downloads (`EnableDownloadExternalFile`,
 * off by default as the admin guide ships it). The body is piped from the Blob service as it
 * arrives: never buffered, whatever the file's size.
 */
export async function downloadPlatformFile(
    services: Services,
    drive: DriveRecord,
    path: string,
): Promise<HttpResponseInit> {
    const { properties } = await readProperties(await services.tables.get('properties'));
    if (!properties.EnableDownloadExternalFile) {
        throw new ApiError(
            403,
            'download_disabled',
            'Downloading files of external drives is turned off.',
            'An admin can allow it: PATCH /api/manage/properties with {"EnableDownloadExternalFile": true}.',
        );
    }
    const { download } = await openPlatformBlob(services, drive.id, path, () => notFound(path));
    if (isFolderMarker(download.metadata, download.contentLength)) {
        (download.readableStreamBody as Readable | undefined)?.destroy();
        throw notFound(path);
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    const headers: Record<string, string> = {
        'content-type': download.contentType ?? 'application/octet-stream',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'x-content-type-options': 'nosniff',
    };
    if (download.contentLength !== undefined) headers['content-length'] = String(download.contentLength);
    if (download.etag) headers.etag = download.etag;
    const body = Readable.toWeb(download.readableStreamBody as Readable) as WebReadableStream<Uint8Array>;
    return { status: 200, headers, body: body as unknown as HttpResponseInit['body'] };
}

function notFound(path: string): ApiError {
    return new ApiError(
        404,
        'item_not_found',
        `There is no file ${path} in this drive's platform store.`,
        'Browse the drive with GET /api/drives/{driveId}/items to find the path.',
    );
}
