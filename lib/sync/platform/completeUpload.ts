import { restStatus } from '../../storage/restError';
import type { DriveRecord } from '../../drives/driveRecord';
import { QuickXorHash } from '../../hash/quickxorhash';
import { ApiError } from '../../http/apiError';
import type { Services } from '../../runtime/services';
import { markPlatformChanged } from './platformChanges';
import { metadataSeal } from './metadataSeal';
import { openPlatformBlob } from './platformContainer';

export interface CompletedUpload {
    path: string;
    size: number;
    quickXorHash: string;
    eTag: string;
}

/**
 * The platform finished writing a blob through its slot: stream it once to compute its QuickXorHash
 * (what Graph reports, so the planner can compare content across sides) and mark it dirty
 * (`syncdirty=1`: changed since the last sync whatever its ETag says), both sealed (metadataSeal.ts)
 * so that the sync trusts them. The metadata is written only if the blob is still the one that was
 * hashed (If-Match); otherwise 409 and the platform retries.
 */
export async function completeUpload(services: Services, drive: DriveRecord, path: string): Promise<CompletedUpload> {
    const { blob, download } = await openPlatformBlob(
        services,
        drive.id,
        path,
        () =>
            new ApiError(
                404,
                'upload_not_found',
                `Nothing was uploaded to ${path}.`,
                'PUT the file to the uploadUrl of POST /uploads first, then complete it.',
            ),
    );
    const hash = new QuickXorHash();
    for await (const chunk of download.readableStreamBody as NodeJS.ReadableStream) hash.update(chunk as Buffer);
    const quickXorHash = hash.digest();
    const etag = download.etag as string;
    const seal = await metadataSeal(services);
    try {
        const done = await blob.setMetadata(
            { ...download.metadata, ...seal.seal({ quickXorHash, dirty: true }, hash.bytesHashed) },
            { conditions: { ifMatch: etag } },
        );
        await markPlatformChanged(services, drive.id);
        return { path, size: hash.bytesHashed, quickXorHash, eTag: done.etag ?? '' };
    } catch (e) {
        if (restStatus(e) === 412) {
            throw new ApiError(
                409,
                'upload_changed',
                `${path} was written again while it was being hashed.`,
                'Complete the upload again once the last write has finished.',
            );
        }
        throw e;
    }
}
