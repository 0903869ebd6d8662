import { BlobClient, BlockBlobClient } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { QuickXorHash } from '../../../lib/hash/quickxorhash';
import { getServices } from '../../../lib/runtime/services';
import { metadataSealWithKey } from '../../../lib/sync/platform/metadataSeal';
import {
    blobNameOf,
    isCleanPath,
    pathOfBlob,
    trashPrefix,
    UnsafeBlobName,
} from '../../../lib/sync/platform/platformLayout';
import { listPlatformEntries } from '../../../lib/sync/platform/platformListing';
import { platformBlobName } from '../../../lib/transfer/context';
import type { TransferMessage } from '../../../lib/sync/contracts';
import { startConnectedService, type ConnectedService } from '../../support/connectedService';

interface Slot {
    uploadUrl: string;
    completeUrl: string;
}

/**
 * What a holder of an upload slot (a write SAS) can do to the platform store, and what the service
 * makes of it: metadata it did not write is not trusted, and no composed blob name leaves the drive's
 * prefix (README "Security").
 */
describe('the platform store under hostile input', () => {
    let svc: ConnectedService;
    let drive: DriveRecord;
    beforeAll(async () => {
        svc = await startConnectedService();
        await svc.configure();
        drive = (
            await svc.connectDrive(
                { name: 'Adele OneDrive', kind: 'onedrive' },
                svc.sim.demo.users.adele.userPrincipalName,
            )
        ).drive;
    });
    afterAll(() => svc.stop());

    async function slot(path: string, size: number): Promise<Slot> {
        const res = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, { body: { path, size } });
        expect(res.status).toBe(201);
        return res.body as Slot;
    }
    const entry = async (path: string) =>
        (await listPlatformEntries(await getServices(), drive)).find((e) => e.path === path);
    const browse = async (folder: string, name: string) =>
        (
            (await svc.env.api('GET', `/api/drives/${drive.id}/items?path=${encodeURIComponent(folder)}`)).body as {
                value: { name: string; isFolder: boolean; quickXorHash?: string; dirty?: boolean }[];
            }
        ).value.find((i) => i.name === name);

    describe('metadata a slot holder sets is not trusted', () => {
        it.each([
            ['a forged QuickXorHash and dirty flag', { quickxorhash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', syncdirty: '1' }],
            ['a folder flag on a file with content', { hdi_isfolder: 'true' }],
            ['a made-up seal', { quickxorhash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', syncseal: 'v1.forged' }],
        ])('%s: ignored (a file, no hash, not dirty)', async (_, metadata) => {
            const path = `Forged/${randomBytes(4).toString('hex')}.txt`;
            const s = await slot(path, 5);
            await new BlockBlobClient(s.uploadUrl).upload('hello', 5, { metadata });
            const listed = await entry(path);
            expect(listed).toMatchObject({ path, isFolder: false, size: 5 });
            expect(listed!.contentHash).toBeUndefined();
            expect(listed!.dirty).toBeUndefined();
            const browsed = await browse('Forged', path.slice('Forged/'.length));
            expect(browsed).toMatchObject({ isFolder: false });
            expect(browsed!.quickXorHash).toBeUndefined();
        });

        it('what completeUpload computed is trusted, until the slot holder rewrites the metadata (or the content)', async () => {
            const path = 'Trusted/report.txt';
            const s = await slot(path, 11);
            await new BlockBlobClient(s.uploadUrl).upload('first words', 11);
            const done = await svc.env.api('POST', s.completeUrl, { body: { path } });
            expect(done.status).toBe(200);
            const hash = new QuickXorHash().update(Buffer.from('first words')).digest();
            expect(await entry(path)).toMatchObject({ contentHash: hash, dirty: true });

            // The slot cannot read the seal back, so it cannot carry it over to a write of its own.
            await expect(new BlobClient(s.uploadUrl).getProperties()).rejects.toMatchObject({ statusCode: 403 });
            // New content of the same size, with the old hash claimed in metadata: the hash is not trusted.
            await new BlockBlobClient(s.uploadUrl).upload('other words', 11, {
                metadata: { quickxorhash: hash, syncdirty: '1' },
            });
            expect((await entry(path))!.contentHash).toBeUndefined();
            // Set Blob Metadata alone (a write SAS allows it) drops the seal too.
            const again = await svc.env.api('POST', s.completeUrl, { body: { path } });
            expect(again.status).toBe(200);
            await new BlobClient(s.uploadUrl).setMetadata({ quickxorhash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
            expect((await entry(path))!.contentHash).toBeUndefined();
        });

        it('a seal is bound to its fields and the blob size', () => {
            const seal = metadataSealWithKey(randomBytes(32));
            const written = seal.seal({ quickXorHash: 'aGFzaA==', dirty: true }, 5);
            expect(seal.trusted(written, 5)).toEqual({ quickXorHash: 'aGFzaA==', dirty: true });
            expect(seal.trusted(written, 6)).toEqual({});
            expect(seal.trusted({ ...written, quickxorhash: 'b3RoZXI=' }, 5)).toEqual({});
            expect(seal.trusted({ ...written, syncdirty: '0' }, 5)).toEqual({});
            expect(metadataSealWithKey(randomBytes(32)).trusted(written, 5)).toEqual({});
        });
    });

    // Traversal names: from Graph (an item name) or from the platform (a path), on write and read routes alike.
    describe('composed blob names stay inside the drive prefix', () => {
        const traversal = [
            '..',
            '../drv_other/file.txt',
            'a/../../drv_other/x',
            'a/./b',
            './a',
            'a\\..\\..\\b',
            'back\\slash.txt',
            '/leading',
            'trailing/',
            'a//b',
            'tab\there',
            'nul\u0000byte',
        ];

        it.each(traversal)('blobNameOf refuses %j', (path) => {
            expect(() => blobNameOf(drive.id, path)).toThrow(UnsafeBlobName);
            expect(isCleanPath(path)).toBe(false);
        });

        it('every composer checks: transfer blob names, drive ids, run ids, listed names', () => {
            const message = (platformPath: string) => ({ driveId: drive.id, platformPath }) as TransferMessage;
            expect(platformBlobName(message('Docs/a.txt'))).toBe(`${drive.id}/Docs/a.txt`);
            expect(() => platformBlobName(message('Docs/../../x'))).toThrow(UnsafeBlobName);
            expect(() => platformBlobName(message('Docs\\..\\x'))).toThrow(UnsafeBlobName);
            expect(() => blobNameOf('../drv_x', 'a.txt')).toThrow(UnsafeBlobName);
            expect(() => blobNameOf('drv/x', 'a.txt')).toThrow(UnsafeBlobName);
            expect(() => trashPrefix(drive.id, '../run')).toThrow(UnsafeBlobName);
            expect(() => pathOfBlob(drive.id, 'drv_other/a.txt')).toThrow(UnsafeBlobName);
            expect(blobNameOf(drive.id, 'Reports/Q1 (final).xlsx')).toBe(`${drive.id}/Reports/Q1 (final).xlsx`);
        });

        it.each([
            ['GET', 'items?path='],
            ['GET', 'items/content?path='],
        ])('the read route %s …/%s refuses traversal paths with 400 invalid_path', async (method, route) => {
            for (const path of ['..', 'a/../..', 'a\\..\\b', 'x\\y.txt']) {
                const res = await svc.env.api(method, `/api/drives/${drive.id}/${route}${encodeURIComponent(path)}`);
                expect({
                    path,
                    status: res.status,
                    code: (res.body as { error?: { code: string } }).error?.code,
                }).toEqual({
                    path,
                    status: 400,
                    code: 'invalid_path',
                });
            }
        });

        it('the upload route refuses a backslash path with 400 before any slot exists', async () => {
            const res = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
                body: { path: 'a\\..\\..\\escape.txt', size: 1 },
            });
            expect(res.status).toBe(400);
            expect(res.body).toMatchObject({ error: { code: 'invalid_path' } });
        });
    });
});
