import type { SyncDeps } from '../../lib/sync/engine';
import type { BaselineEntry, PlatformEntry } from '../../lib/sync/plan';
import type { PlatformFolder } from '../../lib/sync/platform/platformListing';
import type { GraphSimApi } from '../../dev/m365/graph/api';

/**
 * The benchmark measures the engine (delta paging, cursor and journal, the baseline in Table Storage,
 * planning, run records), not the copies: the transfer bench measures those. So the platform side is
 * the drive "already copied", generated from the bench's layout (`bench/f<k>/item-<i>.txt`, 1,000
 * items a folder) as each run asks for it, folder by folder or page by page (whole only for the runs
 * that list it whole): a run process's memory is the engine's. The applier reports each action
 * without performing it.
 *
 * Layout and tags are shared with the parent process, which writes the baseline the first sync's
 * transfers would have left (`baselineOf`), so unchanged items compare equal.
 */
export const PER_FOLDER = 1000;
const EMPTY_HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const EDITED_HASH = 'ZWRpdGVkIG9uIHRoZSBwbGF0Zm9ybQ==';

export interface SyntheticPlatform {
    /** Items in the layout; 0: an empty platform (a first sync downloads everything). */
    items: number;
    /** Item numbers whose blob the platform rewrote since the baseline (a listing run's edits). */
    edited: ReadonlySet<number>;
}

export function folderOf(i: number): string {
    return `bench/f${Math.floor(i / PER_FOLDER)}`;
}

function fileEntry(i: number, edited: ReadonlySet<number>): PlatformEntry {
    const e = edited.has(i);
    return {
        path: `${folderOf(i)}/item-${i}.txt`,
        isFolder: false,
        blobETag: e ? `"0x${i}e"` : `"0x${i}"`,
        size: e ? 6 : 0,
        contentHash: e ? EDITED_HASH : EMPTY_HASH,
        lastModified: '2026-01-01T00:00:00.000Z',
    };
}

function folderEntry(path: string): PlatformEntry {
    return { path, isFolder: true, size: 0, lastModified: '2026-01-01T00:00:00.000Z' };
}

export function syntheticDeps(p: SyntheticPlatform): Partial<SyncDeps> {
    const folders = Math.ceil(p.items / PER_FOLDER);
    const files = (k: number) => {
        const out: PlatformEntry[] = [];
        for (let i = k * PER_FOLDER; i < Math.min(p.items, (k + 1) * PER_FOLDER); i++) out.push(fileEntry(i, p.edited));
        return out;
    };
    return {
        // Only the runs that load the whole baseline list the store whole (a 410 resync, the weekly
        // reconciliation listing): they hold it as the engine does with a real store.
        listPlatformEntries: async () => {
            const all: PlatformEntry[] = p.items === 0 ? [] : [folderEntry('bench')];
            for (let k = 0; k < folders; k++) all.push(folderEntry(`bench/f${k}`), ...files(k));
            return all;
        },
        listPlatformFolder: async (_s, _d, spellings): Promise<PlatformFolder> => {
            const entries: PlatformEntry[] = [];
            for (const folder of spellings) {
                if (p.items === 0) continue;
                if (folder === '') entries.push(folderEntry('bench'));
                else if (folder === 'bench') for (let k = 0; k < folders; k++) entries.push(folderEntry(`bench/f${k}`));
                else {
                    const m = /^bench\/f(\d+)$/.exec(folder);
                    if (m) entries.push(...files(Number(m[1])));
                }
            }
            return { entries, folders: entries.filter((e) => e.isFolder).map((e) => e.path) };
        },
        streamPlatformEntries: async function* () {
            if (p.items === 0) return;
            yield [folderEntry('bench')];
            for (let k = 0; k < folders; k++) yield [folderEntry(`bench/f${k}`), ...files(k)];
        },
        applyPlan: async (_ctx, plan) => ({
            outcomes: plan.actions.map((a) => ({
                path: 'path' in a ? String(a.path) : '',
                action: a.kind,
                status: 'ok' as const,
                code: a.reason.code,
                message: a.reason.message,
            })),
            transfersEnqueued: plan.actions.filter((a) => a.kind === 'download').length,
        }),
    };
}

/** The baseline rows a finished first sync leaves for the simulator's tree (platform tags as generated above). */
export function baselineOf(item: ReturnType<GraphSimApi['listTree']>[number]): BaselineEntry {
    const path = item.path.slice(1);
    if (item.isFolder)
        return {
            remoteId: item.id,
            platformPath: path,
            isFolder: true,
            remoteETag: item.eTag,
            remoteSize: 0,
            platformSize: 0,
        };
    const i = Number(/item-(\d+)\.txt$/.exec(path)?.[1]);
    const platform = fileEntry(i, new Set());
    return {
        remoteId: item.id,
        platformPath: path,
        isFolder: false,
        remoteETag: item.eTag,
        remoteCTag: item.cTag,
        remoteHash: item.quickXorHash,
        remoteSize: item.size,
        platformETag: platform.blobETag,
        platformHash: platform.contentHash,
        platformSize: platform.size,
    };
}
