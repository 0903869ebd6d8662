import type { BlockBlobClient } from '@azure/storage-blob';
import type { DriveRecord } from '../../drives/driveRecord';
import type { Services } from '../../runtime/services';
import { markPlatformChanged } from './platformChanges';
import { blobNameOf } from './platformLayout';
import { platformContainer } from './platformContainer';

/** Long enough to start a large upload (Put Block calls each re-check the SAS), short enough to be useless if leaked. */
const SLOT_MINUTES = 60;
/** Tolerate clock skew between this service and the storage front end. */
const SKEW_MINUTES = 5;

export interface UploadSlot {
    path: string;
    /** Write-only SAS URL of the blob: PUT it (Put Blob, or Put Block + Put Block List for large files). */
    uploadUrl: string;
    method: 'PUT';
    headers: Record<string, string>;
    expiresOn: string;
}

/**
 * A short-lived, write-only (create + write) SAS URL for one blob, so the file never passes through
 * an HTTP function. With a connection string (Azurite, shared key) it is a service SAS signed with
 * the account key; with identity-based storage (no keys) a user delegation SAS signed with a key the
 * managed identity obtains (it needs "Storage Blob Delegator" or "Storage Blob Data Contributor").
 */
export async function createUploadSlot(
    services: Services,
    drive: DriveRecord,
    input: { path: string; contentType?: string },
): Promise<UploadSlot> {
    const { BlobSASPermissions, generateBlobSASQueryParameters, SASProtocol } = await import('@azure/storage-blob');
    const container = await platformContainer(services);
    const blob: BlockBlobClient = container.getBlockBlobClient(blobNameOf(drive.id, input.path));
    const startsOn = new Date(Date.now() - SKEW_MINUTES * 60_000);
    const expiresOn = new Date(Date.now() + SLOT_MINUTES * 60_000);
    const permissions = BlobSASPermissions.parse('cw');
    let uploadUrl: string;
    if (services.config.storage.kind === 'connectionString') {
        uploadUrl = await blob.generateSasUrl({ permissions, startsOn, expiresOn });
    } else {
        const key = await services.storage.blob.getUserDelegationKey(startsOn, expiresOn);
        const sas = generateBlobSASQueryParameters(
            {
                containerName: container.containerName,
                blobName: blob.name,
                permissions,
                startsOn,
                expiresOn,
                protocol: SASProtocol.Https,
            },
            key,
            services.storage.blob.accountName,
        );
        uploadUrl = `${blob.url}?${sas.toString()}`;
    }
    // The write happens out of our sight (straight to Blob storage): the next sync lists the store.
    await markPlatformChanged(services, drive.id);
    const headers: Record<string, string> = { 'x-ms-blob-type': 'BlockBlob' };
    if (input.contentType) headers['x-ms-blob-content-type'] = input.contentType;
    return { path: input.path, uploadUrl, method: 'PUT', headers, expiresOn: expiresOn.toISOString() };
}
