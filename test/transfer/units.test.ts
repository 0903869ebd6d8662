import { failed } from '../../lib/transfer/errors';
import { mayBeEnriched, checkUploaded } from '../../lib/transfer/integrity';
import { blockId } from '../../lib/transfer/download';
import { parseRetryAfter } from '../../lib/transfer/throttleGate';
import { isTrustedTransferUrl } from '../../lib/transfer/trustedHosts';
import { restoreHash, saveHash } from '../../lib/transfer/hashState';
import { QuickXorHash, quickXorHash } from '../../lib/hash/quickxorhash';

describe('transfer building blocks', () => {
    it('accepts pre-authenticated URLs only on Microsoft hosts or configured ones', () => {
        const trusted = ['localhost:8443'];
        expect(isTrustedTransferUrl('https://contoso.sharepoint.com/_api/v2.0/x?tempauth=1', trusted)).toBe(true);
        expect(isTrustedTransferUrl('https://contoso-my.sharepoint.us/x', trusted)).toBe(true);
        expect(isTrustedTransferUrl('https://public.bn1304.files.1drv.com/y', trusted)).toBe(true);
        expect(isTrustedTransferUrl('https://localhost:8443/_api/v2.0/x', trusted)).toBe(true);
        expect(isTrustedTransferUrl('http://contoso.sharepoint.com/x', trusted)).toBe(false);
        expect(isTrustedTransferUrl('https://sharepoint.com.evil.example/x', trusted)).toBe(false);
        expect(isTrustedTransferUrl('https://evil.example/contoso.sharepoint.com', trusted)).toBe(false);
        expect(isTrustedTransferUrl('https://user:pw@contoso.sharepoint.com/x', trusted)).toBe(false);
        expect(isTrustedTransferUrl('not a url', trusted)).toBe(false);
    });

    it('reads Retry-After as seconds or an HTTP date', () => {
        expect(parseRetryAfter('120')).toBe(120);
        expect(parseRetryAfter(null)).toBeUndefined();
        expect(parseRetryAfter('soon')).toBeUndefined();
        const now = Date.parse('2024-01-01T00:00:00Z');
        expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:41 GMT', now)).toBe(41);
    });

    it('treats a hash difference as enrichment for Office/PDF/JPEG files on every Business drive, never on personal ones', () => {
        expect(mayBeEnriched('documentLibrary', 'Report.DOCX')).toBe(true);
        expect(mayBeEnriched('business', 'Report.docx')).toBe(true);
        expect(mayBeEnriched('business', 'photo.JPG')).toBe(true);
        expect(mayBeEnriched('personal', 'Report.docx')).toBe(false);
        expect(mayBeEnriched('documentLibrary', 'data.bin')).toBe(false);
        const item = { id: '1', name: 'data.bin', eTag: '"e"', size: 5, file: { hashes: { quickXorHash: 'other' } } };
        expect(() => checkUploaded(item, { size: 5, hash: 'mine' }, 'documentLibrary')).toThrow(
            failed('hash_mismatch', '').constructor as never,
        );
        expect(() => checkUploaded({ ...item, name: 'a.pdf' }, { size: 5, hash: 'mine' }, 'personal')).toThrow(
            failed('hash_mismatch', '').constructor as never,
        );
        for (const driveType of ['documentLibrary', 'business']) {
            // Grown or shrunk (msgraph-sdk-dotnet#1222): either way SharePoint's rewrite, said so.
            for (const size of [17, 3]) {
                const checked = checkUploaded({ ...item, name: 'a.pdf', size }, { size: 5, hash: 'mine' }, driveType);
                expect(checked).toMatchObject({ enriched: true, note: { code: 'modified_by_sharepoint' } });
            }
        }
        expect(
            checkUploaded(
                { ...item, file: { hashes: { quickXorHash: 'mine' } } },
                { size: 5, hash: 'mine' },
                'business',
            ),
        ).toEqual({ enriched: false });
    });

    it('derives equal-length, deterministic block ids from transfer and offset', () => {
        expect(blockId('t1', 0)).toBe(blockId('t1', 0));
        expect(blockId('t1', 0)).not.toBe(blockId('t2', 0));
        expect(Buffer.from(blockId('t1', 0), 'base64').length).toBe(Buffer.from(blockId('t1', 1e12), 'base64').length);
    });

    it('saves and restores a hash in progress', () => {
        const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 251));
        const h = new QuickXorHash().update(data.subarray(0, 1234));
        const restored = restoreHash(saveHash(h), 1234)!;
        expect(restored.update(data.subarray(1234)).digest()).toBe(quickXorHash(data));
        expect(restoreHash(saveHash(h), 999)).toBeUndefined();
    });
});
