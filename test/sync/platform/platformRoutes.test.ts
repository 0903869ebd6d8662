import { BlobClient, BlockBlobClient } from '@azure/storage-blob';
import { QuickXorHash } from '../../../lib/hash/quickxorhash';
import { getServices } from '../../../lib/runtime/services';
import { listPlatformEntries } from '../../../lib/sync/platform/platformListing';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { startConnectedService, type ConnectedService } from '../../support/connectedService';

interface Slot {
    path: string;
    uploadUrl: string;
    method: string;
    headers: Record<string, string>;
    expiresOn: string;
    completeUrl: string;
}

interface ErrorBody {
    error: { code: string; message: string; hint?: string; details?: { field: string; code: string }[] };
}

describe('platform routes: upload slots, browse, download', () => {
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

    async function upload(path: string, content: Buffer): Promise<Slot> {
        const res = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path, size: content.length, contentType: 'text/plain' },
        });
        expect(res.status).toBe(201);
        const slot = res.body as Slot;
        await new BlockBlobClient(slot.uploadUrl).upload(content, content.length, {
            blobHTTPHeaders: { blobContentType: 'text/plain' },
        });
        return slot;
    }

    it('gives a write-only SAS slot that the real BlockBlobClient can upload through; completing hashes the blob and marks it dirty', async () => {
        const content = Buffer.from('Quarterly numbers\n'.repeat(5000));
        const slot = await upload('Reports/2024/q1.txt', content);
        expect(slot).toMatchObject({
            path: 'Reports/2024/q1.txt',
            method: 'PUT',
            headers: { 'x-ms-blob-type': 'BlockBlob' },
        });
        expect(Date.parse(slot.expiresOn) - Date.now()).toBeGreaterThan(0);
        expect(new URL(slot.uploadUrl).searchParams.get('sp')).toBe('cw');
        // The slot cannot read anything back.
        await expect(new BlobClient(slot.uploadUrl).download()).rejects.toMatchObject({ statusCode: 403 });

        const done = await svc.env.api('POST', slot.completeUrl, { body: { path: 'Reports/2024/q1.txt' } });
        expect(done.status).toBe(200);
        const expected = new QuickXorHash().update(content).digest();
        expect(done.body).toMatchObject({ path: 'Reports/2024/q1.txt', size: content.length, quickXorHash: expected });

        const entries = await listPlatformEntries(await getServices(), drive);
        expect(entries.find((e) => e.path === 'Reports/2024/q1.txt')).toMatchObject({
            contentHash: expected,
            dirty: true,
            size: content.length,
            blobETag: (done.body as { eTag: string }).eTag,
        });
    });

    it('refuses names SharePoint would refuse, with the rule and a hint, before issuing any slot', async () => {
        const bad = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'Reports/bad:name.txt', size: 1 },
        });
        expect(bad.status).toBe(400);
        const body = bad.body as ErrorBody;
        expect(body.error.code).toBe('invalid_name');
        expect(body.error.details).toEqual([expect.objectContaining({ field: 'path', code: 'invalid_character' })]);
        expect(body.error.hint).toMatch(/Rename the file without ':'/);

        const reserved = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'CON', size: 1 },
        });
        expect((reserved.body as ErrorBody).error.details?.[0]?.code).toBe('reserved_name');
        const lock = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'Docs/~$report.docx', size: 1 },
        });
        expect((lock.body as ErrorBody).error.details?.[0]?.code).toBe('office_lock_prefix');
        const huge = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'big.iso', size: 300 * 1024 ** 3 },
        });
        expect((huge.body as ErrorBody).error.details?.[0]?.code).toBe('file_too_large');
        const dots = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'a/../b.txt', size: 1 },
        });
        expect(dots.status).toBe(400);
        expect((dots.body as ErrorBody).error.code).toBe('invalid_path');
    });

    it('answers 404 for an unknown drive and 401 without the function key', async () => {
        const unknown = await svc.env.api('POST', '/api/drives/drv_nope/uploads', { body: { path: 'a.txt', size: 1 } });
        expect(unknown.status).toBe(404);
        expect((unknown.body as ErrorBody).error.code).toBe('drive_not_found');
        const nokey = await svc.env.api('POST', `/api/drives/${drive.id}/uploads`, {
            body: { path: 'a.txt', size: 1 },
            key: false,
        });
        expect(nokey.status).toBe(401);
    });

    it('completing an upload that never happened is 404 upload_not_found', async () => {
        const res = await svc.env.api('POST', `/api/drives/${drive.id}/uploads/complete`, {
            body: { path: 'never/there.txt' },
        });
        expect(res.status).toBe(404);
        expect((res.body as ErrorBody).error.code).toBe('upload_not_found');
    });

    it('browses folders and files, page by page', async () => {
        await upload('Reports/2024/q2.txt', Buffer.from('q2'));
        await upload('Reports/summary.txt', Buffer.from('sum'));
        const root = await svc.env.api('GET', `/api/drives/${drive.id}/items`);
        expect(root.status).toBe(200);
        expect((root.body as { value: { name: string; isFolder: boolean }[] }).value).toEqual([
            { name: 'Reports', path: 'Reports', isFolder: true },
        ]);

        const reports = await svc.env.api('GET', `/api/drives/${drive.id}/items?path=Reports`);
        const items = (reports.body as { value: { name: string; isFolder: boolean; size?: number }[] }).value;
        expect(items.map((i) => [i.name, i.isFolder])).toEqual([
            ['2024', true],
            ['summary.txt', false],
        ]);
        expect(items[1]).toMatchObject({ size: 3, eTag: expect.stringMatching(/^".+"$/) });

        const seen: string[] = [];
        let token: string | undefined;
        do {
            const page = await svc.env.api(
                'GET',
                `/api/drives/${drive.id}/items?path=Reports/2024&pageSize=1${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
            );
            const body = page.body as { value: { name: string }[]; continuationToken?: string };
            expect(body.value.length).toBeLessThanOrEqual(1);
            seen.push(...body.value.map((v) => v.name));
            token = body.continuationToken;
        } while (token);
        expect(seen).toEqual(['q1.txt', 'q2.txt']);

        expect((await svc.env.api('GET', `/api/drives/${drive.id}/items?path=Nowhere`)).status).toBe(404);
        expect((await svc.env.api('GET', `/api/drives/${drive.id}/items?pageSize=0`)).status).toBe(400);
    });

    it('refuses downloads by default (download_disabled), then streams the platform copy once allowed', async () => {
        const refused = await svc.env.api('GET', `/api/drives/${drive.id}/items/content?path=Reports/summary.txt`);
        expect(refused.status).toBe(403);
        expect((refused.body as ErrorBody).error).toMatchObject({
            code: 'download_disabled',
            hint: expect.stringContaining('EnableDownloadExternalFile'),
        });

        expect(
            (await svc.env.api('PATCH', '/api/manage/properties', { body: { EnableDownloadExternalFile: true } }))
                .status,
        ).toBe(200);
        const content = Buffer.from('x'.repeat(3 * 1024 * 1024));
        await upload('Big/file.bin', content);
        const res = await fetch(`${svc.env.host.url}/api/drives/${drive.id}/items/content?path=Big/file.bin`, {
            headers: { 'x-functions-key': svc.env.host.functionKey },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''file.bin");
        expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);

        expect((await svc.env.api('GET', `/api/drives/${drive.id}/items/content?path=Big/missing.bin`)).status).toBe(
            404,
        );
    });
});
