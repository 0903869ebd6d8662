import type { DriveRecord } from '../../drives/driveRecord';
import type { Services } from '../../runtime/services';
import {
    addPlatformChanges,
    diffFolder,
    noChangesIn,
    noPlatformChanges,
    type PlatformChanges,
} from '../plan/platformChanges';
import { foldPath } from '../plan/paths';
import type { BaselineEntry } from '../plan/types';
import { loadBaselineChildren } from '../state/baselineIndex';
import { readLayout } from '../state/baselineLayout';
import { listingDigest, readListingDigests, recordListingDigests } from '../state/listingDigests';
import type { SyncDeps } from './deps';
import type { DriveLease } from './lease';

export interface PlatformDiff {
    changes: PlatformChanges;
    /** Entries the listing returned, and the folders it listed (one hierarchical listing each). */
    entries: number;
    folders: number;
    /** Folders whose listing was the one last found equal to their rows: their rows were not read. */
    foldersMatched: number;
    /**
     * The rows of the folders that changed (case-folded folder → its children's rows), as the walk read
     * them: the plan's scope needs these folders again and reads them from here, not from the store.
     * Up to FOLDER_ROWS_KEPT rows, so a listing that found most of the drive changed holds no more.
     */
    folderRows: Map<string, BaselineEntry[]>;
}

export interface WalkOptions {
    /** Remote ids delta changed this run: their files count as changed even when only touched. */
    remoteChanged?: ReadonlySet<string>;
    /** Records each folder's listing digest (state/listingDigests.ts); a dry run reads them only. */
    record?: boolean;
}

/** Rows of changed folders kept for the plan's scope (PlatformDiff.folderRows); beyond, it reads them again. */
const FOLDER_ROWS_KEPT = 20_000;

/** Folders listed at once: each is one Blob listing and, unless its digest matches, one Table read, both mostly waiting on the network. */
const LANES = 4;

/**
 * A listing run's platform side without holding the drive: the store is walked folder by folder
 * (case-folded, every spelling of a folder together, as the path index groups rows), and each
 * folder's children are compared with the same folder's baseline rows (one key range of the index,
 * state/baselineIndex.ts, in each of the drive's partitions). Only what differs is kept (plan/platformChanges.ts), so memory is one folder
 * per lane, the folders waiting to be listed, and the changes; the plan is then scoped to those
 * changes (plan/scope.ts), which tests show gives the whole listing's plan.
 *
 * Why folders and not one flat listing merged with the baseline: a flat Blob listing is in byte order
 * of whole names, where a folder's files interleave with its subfolders' contents, while the index
 * orders by case-folded folder and then name; merging the two needs either a buffer as large as a
 * subtree or a second copy of every row in blob order. Walking by folder costs one listing request per
 * folder instead of one per 5,000 blobs, and reads the baseline in the same number of queries.
 *
 * A folder the baseline holds but the platform no longer has (deleted, renamed, retyped) is not
 * walked: its subtree is recorded as gone, and the plan reads those rows through the index.
 *
 * A folder whose listing is the one the last listing run found equal to its rows (the same digest,
 * state/listingDigests.ts) is not diffed and its rows are not read: a listing run then reads the rows
 * of the folders that changed on either side since, and lists every folder (one Blob request each).
 */
export async function diffPlatformByFolder(
    services: Services,
    deps: Pick<SyncDeps, 'listPlatformFolder'>,
    drive: DriveRecord,
    lease: Pick<DriveLease, 'assertHeld'>,
    options: WalkOptions = {},
): Promise<PlatformDiff> {
    const remoteChanged = options.remoteChanged ?? new Set<string>();
    const changes = noPlatformChanges();
    // Resolved once: each folder is then one range query per partition of the drive.
    const [{ layout }, stored] = await Promise.all([
        readLayout(services, drive.id),
        readListingDigests(services, drive.id),
    ]);
    const found = new Map<string, string | undefined>();
    const folderRows = new Map<string, BaselineEntry[]>();
    let rowsKept = 0;
    let foldersMatched = 0;
    const pending: { key: string; spellings: string[] }[] = [{ key: '', spellings: [''] }];
    let entries = 0;
    let folders = 0;
    let active = 0;
    let failed: unknown;
    await new Promise<void>((resolve) => {
        const pump = () => {
            if (failed !== undefined || (pending.length === 0 && active === 0)) return resolve();
            while (active < LANES && pending.length > 0) {
                const next = pending.pop()!;
                active++;
                visit(next).then(
                    () => {
                        active--;
                        pump();
                    },
                    (e: unknown) => {
                        active--;
                        failed ??= e;
                        pump();
                    },
                );
            }
        };
        const visit = async ({ key, spellings }: { key: string; spellings: string[] }) => {
            // A folder with a digest is listed first: its rows are read only if the listing differs.
            const known = stored.get(key);
            const rowsRead = () => loadBaselineChildren(services, drive.id, key, layout);
            const [listed, early] = await Promise.all([
                deps.listPlatformFolder(services, drive, spellings),
                known === undefined ? rowsRead() : undefined,
            ]);
            lease.assertHeld();
            const children = new Map<string, string[]>();
            for (const path of listed.folders) {
                const folded = foldPath(path);
                const seen = children.get(folded);
                if (seen) seen.push(path);
                else children.set(folded, [path]);
            }
            const digest = listingDigest(listed.entries);
            if (digest === known) {
                foldersMatched++;
                found.set(key, digest);
            } else {
                const rows = early ?? (await rowsRead());
                lease.assertHeld();
                // This folder's changes alone (other lanes add to the run's meanwhile).
                const mine = noPlatformChanges();
                diffFolder(rows, listed.entries, (folded) => children.has(folded), mine, remoteChanged);
                found.set(key, noChangesIn(mine) ? digest : undefined);
                addPlatformChanges(changes, mine);
                if (!noChangesIn(mine) && rowsKept + rows.length <= FOLDER_ROWS_KEPT) {
                    folderRows.set(key, rows);
                    rowsKept += rows.length;
                }
            }
            entries += listed.entries.length;
            folders++;
            for (const [child, paths] of children) pending.push({ key: child, spellings: paths.sort() });
        };
        pump();
    });
    if (failed !== undefined) throw failed;
    if (options.record) {
        lease.assertHeld();
        await recordListingDigests(services, drive.id, stored, found);
    }
    return { changes, entries, folders, foldersMatched, folderRows };
}
