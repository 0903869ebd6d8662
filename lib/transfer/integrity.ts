import type { DriveItem } from './graphApi';
import { failed } from './errors';

/**
 * After an upload: does what Graph stored match what we sent? SharePoint rewrites Office, PDF, HTML
 * and some JPEG files after upload ("enrichment": onedrive-api-docs#935, contrib#8903), and not only
 * in document libraries: OneDrive for Business is SharePoint too, and abraunegg treats an integrity
 * failure as enrichment on every account type but personal (`src/sync.d`; `docs/application-config-
 * options.md`, disable_upload_validation). There a difference is expected: the server's size and hash
 * become the baseline and the item is marked "modified by SharePoint". Sizes can grow or shrink
 * (msgraph-sdk-dotnet#1222). Anywhere else a difference is corruption and fails visibly.
 */
const ENRICHED_EXTENSIONS = [
    '.doc',
    '.docx',
    '.docm',
    '.dotx',
    '.xls',
    '.xlsx',
    '.xlsm',
    '.xlsb',
    '.ppt',
    '.pptx',
    '.pptm',
    '.ppsx',
    '.vsdx',
    '.pdf',
    '.html',
    '.htm',
    '.aspx',
    '.jpg',
    '.jpeg',
];

/** Business drives are SharePoint underneath: OneDrive for Business and document libraries alike. */
export function isBusinessDrive(driveType: string | undefined): boolean {
    return driveType === 'business' || driveType === 'documentLibrary';
}

export function mayBeEnriched(driveType: string | undefined, name: string): boolean {
    const lower = name.toLowerCase();
    return isBusinessDrive(driveType) && ENRICHED_EXTENSIONS.some((e) => lower.endsWith(e));
}

export interface TransferNote {
    code: string;
    message: string;
}

export function checkUploaded(
    item: DriveItem,
    sent: { size: number; hash: string },
    driveType: string | undefined,
): { enriched: boolean; note?: TransferNote } {
    const remoteHash = item.file?.hashes?.quickXorHash;
    // Hashes "may not be available" right after upload (docs): then the size is all we can compare.
    const same = item.size === sent.size && (remoteHash === undefined || remoteHash === sent.hash);
    if (same) return { enriched: false };
    if (mayBeEnriched(driveType, item.name))
        return {
            enriched: true,
            note: {
                code: 'modified_by_sharepoint',
                message: `SharePoint rewrote the file after upload (it adds its metadata to Office, PDF and image files): it keeps ${item.size} bytes with hash ${remoteHash ?? 'none'}, the platform keeps the ${sent.size} bytes it sent (hash ${sent.hash}). Both are the baseline, so the next sync moves nothing.`,
            },
        };
    throw failed(
        'hash_mismatch',
        `Graph stored ${item.size} bytes with hash ${remoteHash ?? 'none'}; we sent ${sent.size} bytes with hash ${sent.hash}.`,
    );
}
