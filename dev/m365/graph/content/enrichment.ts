import { createHash } from 'node:crypto';
import { quickXorHash } from '../../../../lib/hash/quickxorhash';
import { extensionOf } from '../items/names';
import { stamp } from '../items/operations';
import type { SimState } from '../model/state';
import type { SimDrive, SimItem } from '../model/types';

/**
 * SharePoint's "enrichment": after an upload it rewrites Office documents, PDFs, HTML and some JPEGs
 * (it adds its metadata), so the stored size and quickXorHash are no longer what was sent.
 * - Office, PDF and HTML in document libraries: onedrive-api-docs issue 935 (the upload response
 *   already shows the new size; abraunegg PR 1250 compares the response's hash for that reason).
 * - Every Business drive, OneDrive for Business too: abraunegg `docs/application-config-options.md`
 *   (disable_upload_validation: "particularly to SharePoint", "OneDrive Business Shared Folders") and
 *   `src/sync.d`, which handles an upload integrity failure as enrichment for every account type but
 *   personal ("Not a personal account, thus the integrity failure is most likely due to SharePoint").
 * - JPEGs grow by 12 bytes (microsoft-graph-docs-contrib issue 8903); files can also shrink
 *   (msgraph-sdk-dotnet issue 1222: "each time it's missing 11 bytes").
 * - Timing is not documented: the response usually shows the rewrite (issue 935), but it can land
 *   after the response (microsoft-graph-docs issue 8078); `options.enrichment.timing` picks one.
 */
export function maybeEnrich(state: SimState, item: SimItem): void {
    const drive = state.drives.get(item.driveId) as SimDrive;
    const o = state.options.enrichment;
    if (item.isFolder || item.content.length === 0 || !o.enabled) return;
    if (!o.driveTypes.includes(drive.driveType) || !o.extensions.includes(extensionOf(item.name))) return;
    const change = shrinks(state, item) && item.content.length > o.shrinkBytes + MARKER ? -o.shrinkBytes : o.bytes;
    if (o.timing === 'withResponse') {
        enrich(state, item, change);
        return;
    }
    const version = item.cTagVersion;
    setImmediate(() => {
        if (item.deletedAt === undefined && item.cTagVersion === version) enrich(state, item, change);
    });
}

/** Bytes of SharePoint's mark in a shrunk file. */
const MARKER = 12;

/** Rewrites the file now: `bytes` > 0 adds that many, < 0 removes that many (new size, hash, eTag, cTag). */
export function enrich(state: SimState, item: SimItem, bytes: number): void {
    const marker = (length: number): Buffer =>
        Buffer.from(`<!--sp:${item.guid}:${item.cTagVersion}-->`.repeat(4)).subarray(0, length);
    if (bytes >= 0 || item.content.length <= -bytes + MARKER) {
        item.content = Buffer.concat([item.content, marker(Math.abs(bytes))]);
    } else {
        // The metadata part is re-serialised shorter: the tail is replaced, the whole loses |bytes|.
        const keep = item.content.length + bytes - MARKER;
        item.content = Buffer.concat([item.content.subarray(0, keep), marker(MARKER)]);
    }
    item.quickXorHash = quickXorHash(item.content);
    stamp(state, item, 'content');
}

/** Whether this file version's rewrite shrinks it: decided by the seed, so runs replay. */
function shrinks(state: SimState, item: SimItem): boolean {
    const share = state.options.enrichment.shrinkShare;
    if (share <= 0) return false;
    const digest = createHash('sha256').update(`${state.seed}:shrink:${item.guid}:${item.cTagVersion}`).digest();
    return digest.readUInt32LE(0) / 0x100000000 < share;
}
