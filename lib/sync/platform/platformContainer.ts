import type { ContainerClient } from '@azure/storage-blob';
import type { Services } from '../../runtime/services';

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
