import type { DriveItem } from './graphApi';
import { failed } from './errors';

/**
 * After an upload: does what Graph stored match what we sent? SharePoint document libraries rewrite
 * Office, PDF, HTML and some JPEG files (onedrive-api-docs#935), so there a difference is expected
 * and recorded as enrichment (the server's size and hash become the baseline). Anywhere else a
 * difference is corruption and fails visibly.
 */
const ENRICHED_EXTENSIONS = [
    '.docx',
    '.docm',
    '.xlsx',
    '.xlsm',
    '.pptx',
    '.pptm',
    '.pdf',
    '.html',
    '.htm',
    '.jpg',
    '.jpeg',
];

export function mayBeEnriched(driveType: string | undefined, name: string): boolean {
    const lower = name.toLowerCase();
    return driveType === 'documentLibrary' && ENRICHED_EXTENSIONS.some((e) => lower.endsWith(e));
}

export function checkUploaded(
    item: DriveItem,
    sent: { size: number; hash: string },
    driveType: string | undefined,
): { enriched: boolean } {
    const remoteHash = item.file?.hashes?.quickXorHash;
    // Hashes "may not be available" right after upload (docs): then the size is all we can compare.
    const same = item.size === sent.size && (remoteHash === undefined || remoteHash === sent.hash);
    if (same) return { enriched: false };
    if (mayBeEnriched(driveType, item.name)) return { enriched: true };
    throw failed(
        'hash_mismatch',
        `Graph stored ${item.size} bytes with hash ${remoteHash ?? 'none'}; we sent ${sent.size} bytes with hash ${sent.hash}.`,
    );
}
