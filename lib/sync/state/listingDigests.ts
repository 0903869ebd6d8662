import { createHash } from 'node:crypto';
import { odata, type TransactionAction } from '@azure/data-tables';
import type { Services } from '../../runtime/services';
import { deletePartition } from '../../storage/partitions';
import { foldPath, parentPath } from '../plan/paths';
import type { BaselineEntry, PlatformEntry } from '../plan/types';
import { forEachLimited } from './baselineLayout';

/**
 * What a listing run found equal, folder by folder: for each folder whose platform listing matched its
 * baseline rows, a digest of that listing (every child's path, type, blob ETag, size and dirty flag).
 * A later listing run that lists the same digest for the folder does not read the folder's rows
 * (engine/platformDiff.ts): the listing is what it was, and so are the rows, because every baseline
 * write voids the digests of the folders it touches first (baselineStore.ts `applyBaselineChanges`).
 * A blob's ETag changes with every write to it (content, properties, metadata), so a listing with the
 * same digest holds the same blobs.
 *
 * So a listing run reads the rows of the folders whose blobs or rows changed since the last listing
 * run, not of every folder. One partition per drive (`<drive id>~listing`), read whole at the start of
 * a listing run (a row per folder, 1,000 per request); a void row (empty digest) stands for a folder
 * whose rows were written since. Cleared with the baseline (baselineBinding.ts `clearBaseline`).
 *
 * One case a full read would tell and this does not: a file whose only difference from its row is the
 * API's dirty flag counts as changed in a walk when delta changed its item in the same run
 * (plan/platformChanges.ts); in a folder skipped here it plans from its row, as in any run that does
 * not list the platform store. Only the action's reason text differs.
 */
export type ListingDigests = ReadonlyMap<string, string>;

type DigestRow = {
    partitionKey: string;
    rowKey: string;
    /** The folder's case-folded path ('' is the drive root). */
    folder: string;
    /** Empty: void (the folder's rows were written since its listing was found equal). */
    digest: string;
};

const BATCH = 100;
const LANES = 4;

export const listingPartitionOf = (driveId: string): string => `${driveId}~listing`;

/** The digest of one folder's listing (every spelling of the folder together): order does not matter. */
export function listingDigest(entries: readonly PlatformEntry[]): string {
    const lines = entries
        .map((e) => [e.path, e.isFolder ? 'd' : 'f', e.blobETag ?? '', e.size, e.dirty ? 1 : 0].join('\u0000'))
        .sort();
    return createHash('sha256').update(lines.join('\n')).digest('base64');
}

/** Every digest of the drive (void ones left out), by case-folded folder path. */
export async function readListingDigests(services: Services, driveId: string): Promise<Map<string, string>> {
    const table = await services.tables.get('baselines');
    const digests = new Map<string, string>();
    const rows = table.listEntities<DigestRow>({
        queryOptions: {
            filter: odata`PartitionKey eq ${listingPartitionOf(driveId)}`,
            select: ['folder', 'digest'],
        },
    });
    for await (const row of rows) if (row.digest) digests.set(row.folder, row.digest);
    return digests;
}

/**
 * Records what a walk found: a digest for each folder found equal, a void row for each folder found
 * changed that had one. Rows that would not change are not written.
 */
export async function recordListingDigests(
    services: Services,
    driveId: string,
    stored: ListingDigests,
    found: ReadonlyMap<string, string | undefined>,
): Promise<void> {
    const writes: [string, string][] = [];
    for (const [folder, digest] of found)
        if (digest !== undefined ? stored.get(folder) !== digest : stored.has(folder))
            writes.push([folder, digest ?? '']);
    await writeDigests(services, driveId, writes);
}

/**
 * Voids the digests of the folders a baseline write touches: the folder holding each row before and
 * after, and a folder row's own children (its path may now hold other rows). Unconditional upserts,
 * so it needs no read and is safe to repeat; written before the rows, so a crash between the two
 * leaves a folder read once more, never skipped wrongly.
 */
export async function voidListingDigests(
    services: Services,
    driveId: string,
    rows: Iterable<Pick<BaselineEntry, 'platformPath' | 'isFolder'>>,
): Promise<void> {
    const folders = new Set<string>();
    for (const row of rows) {
        folders.add(foldPath(parentPath(row.platformPath)));
        if (row.isFolder) folders.add(foldPath(row.platformPath));
    }
    await writeDigests(
        services,
        driveId,
        [...folders].map((f) => [f, '']),
    );
}

export async function clearListingDigests(services: Services, driveId: string): Promise<number> {
    return deletePartition(await services.tables.get('baselines'), listingPartitionOf(driveId));
}

async function writeDigests(services: Services, driveId: string, writes: readonly [string, string][]): Promise<void> {
    if (writes.length === 0) return;
    const table = await services.tables.get('baselines');
    const partitionKey = listingPartitionOf(driveId);
    const batches: TransactionAction[][] = [];
    for (let at = 0; at < writes.length; at += BATCH)
        batches.push(
            writes.slice(at, at + BATCH).map(([folder, digest]): TransactionAction => {
                const row: DigestRow = { partitionKey, rowKey: rowKeyOf(folder), folder, digest };
                return ['upsert', row, 'Replace'];
            }),
        );
    await forEachLimited(batches, LANES, async (batch) => {
        await table.submitTransaction(batch);
    });
}

/** A RowKey for any folder path (a path may hold characters a key may not, and be long). */
function rowKeyOf(folder: string): string {
    return createHash('sha1').update(folder).digest('hex');
}
