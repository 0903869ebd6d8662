import { restStatus } from '../../storage/restError';
import type { BlobClient, BlobDownloadResponseParsed, ContainerClient } from '@azure/storage-blob';
import type { Services } from '../../runtime/services';
import { blobNameOf } from './platformLayout';

const ensured = new Map<string, Promise<unknown>>();

/** The platform container, created once per process if missing (a fresh deployment has none). */
export async function platformContainer(services: Services): Promise<ContainerClient> {
    const container = services.storage.blob.getContainerClient(services.config.platformContainer);
    let created = ensured.get(container.url);
    if (!created) {
        created = container.createIfNotExists();
        created.catch(() => ensured.delete(container.url));
        ensured.set(container.url, created);
    }
    await created;
    return container;
}

/**
 * Opens a blob of a drive's platform store for reading (the body streams as it is consumed). A
 * missing blob throws what `missing` makes: each caller has its own error for the platform.
 */
export async function openPlatformBlob(
    services: Services,
    driveId: string,
    path: string,
    missing: () => Error,
): Promise<{ blob: BlobClient; download: BlobDownloadResponseParsed }> {
    const blob = (await platformContainer(services)).getBlobClient(blobNameOf(driveId, path));
    try {
        return { blob, download: await blob.download(0) };
    } catch (e) {
        if (restStatus(e) === 404) throw missing();
        throw e;
    }
}
