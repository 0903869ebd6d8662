import { randomBytes } from 'node:crypto';
import { useCacheKeyProvider } from '../../../lib/auth/accessToken';
import { staticKeyProvider } from '../../../lib/auth/tokenCache';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { metadataSeal } from '../../../lib/sync/platform/metadataSeal';
import type { Services } from '../../../lib/runtime/services';
import { platformContainer } from '../../../lib/sync/platform/platformContainer';
import { listPlatformEntries, streamPlatformEntries } from '../../../lib/sync/platform/platformListing';
import type { PlatformEntry } from '../../../lib/sync/plan/types';
import { createPlatformFolder, trashPlatform } from '../../../lib/sync/platform/platformWrites';
import { storageServices } from '../state/storageServices';

function drive(id: string): DriveRecord {
    return { id } as DriveRecord;
}

async function put(
    services: Services,
    name: string,
    content: string,
    metadata?: Record<string, string>,
): Promise<string> {
    const container = await platformContainer(services);
    const res = await container
        .getBlockBlobClient(name)
        .upload(content, Buffer.byteLength(content), metadata ? { metadata } : {});
    return res.etag as string;
}

describe('listPlatformEntries', () => {
    let services: Services;
    beforeAll(async () => {
        services = await storageServices();
        useCacheKeyProvider(services, staticKeyProvider(randomBytes(32)));
    });

    it('maps blobs to entries: virtual folders, hashes, dirty flags, folder markers; trash and other drives excluded', async () => {
        // Hash and dirty flag as the service writes them (completeUpload): sealed.
        const sealed = (await metadataSeal(services)).seal({ quickXorHash: 'aGFzaA==', dirty: true }, 5);
        const etag = await put(services, 'drv_a/notes.txt', 'hello', sealed);
        await put(services, 'drv_a/Reports/2024/q1.xlsx', 'sheet');
        await put(services, 'drv_a/Old/gone.txt', 'bye');
        await put(services, 'drv_b/elsewhere.txt', 'other drive');
        await createPlatformFolder({ services, driveId: 'drv_a' }, 'Empty');
        await trashPlatform({ services, driveId: 'drv_a', runId: 'run1' }, 'Old', true);

        const entries = await listPlatformEntries(services, drive('drv_a'));
        expect(entries.map((e) => [e.path, e.isFolder])).toEqual([
            ['Empty', true],
            ['Reports', true],
            ['Reports/2024', true],
            ['Reports/2024/q1.xlsx', false],
            ['notes.txt', false],
        ]);
        const notes = entries.find((e) => e.path === 'notes.txt')!;
        expect(notes).toMatchObject({ blobETag: etag, size: 5, contentHash: 'aGFzaA==', dirty: true });
        expect(Date.parse(notes.lastModified)).not.toBeNaN();
        const q1 = entries.find((e) => e.path === 'Reports/2024/q1.xlsx')!;
        expect(q1.contentHash).toBeUndefined();
        expect(q1.dirty).toBeUndefined();
        expect(entries.find((e) => e.path === 'Empty')!.blobETag).toBeUndefined();
    });

    it('creates the container when it is missing', async () => {
        const fresh = await storageServices();
        useCacheKeyProvider(fresh, staticKeyProvider(randomBytes(32)));
        expect(await listPlatformEntries(fresh, drive('drv_none'))).toEqual([]);
        expect(await fresh.storage.blob.getContainerClient(fresh.config.platformContainer).exists()).toBe(true);
    });

    // Azurite writes ~40 blobs/s here, so > 5000 blobs would take minutes: small pages exercise the same continuation path.
    it('pages through the listing (continuation tokens), folders derived across pages', async () => {
        const container = await platformContainer(services);
        const names = Array.from(
            { length: 53 },
            (_, i) => `drv_many/f${String(i % 3)}/b${String(i).padStart(2, '0')}.bin`,
        );
        await Promise.all(names.map((n) => container.getBlockBlobClient(n).upload('', 0)));
        const entries = await listPlatformEntries(services, drive('drv_many'), { pageSize: 5 });
        expect(entries.filter((e) => !e.isFolder)).toHaveLength(53);
        expect(entries.filter((e) => e.isFolder).map((e) => e.path)).toEqual(['f0', 'f1', 'f2']);
    });

    it('streams the same entries page by page: the first entry of a path wins (a file over the folder a deeper blob implies)', async () => {
        for (const name of ['drv_s/x', 'drv_s/x/y.txt', 'drv_s/M/in.txt', 'drv_s/a b/c.txt', 'drv_s/x-y.txt'])
            await put(services, name, name);
        await createPlatformFolder({ services, driveId: 'drv_s' }, 'M');
        const streamed: PlatformEntry[] = [];
        for await (const page of streamPlatformEntries(services, drive('drv_s'), { pageSize: 2 }))
            streamed.push(...page);
        const firstPerPath = new Map<string, PlatformEntry>();
        for (const e of streamed) if (!firstPerPath.has(e.path)) firstPerPath.set(e.path, e);
        const settled = [...firstPerPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
        expect(settled).toEqual(await listPlatformEntries(services, drive('drv_s')));
        expect(settled.find((e) => e.path === 'x')).toMatchObject({ isFolder: false });
        // Folder paths are remembered: the marker and each implied folder appear once.
        expect(
            streamed
                .filter((e) => e.isFolder)
                .map((e) => e.path)
                .sort(),
        ).toEqual(['M', 'a b', 'x']);
    });
});
