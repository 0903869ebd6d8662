import type { Services } from '../../runtime/services';
import type { BaselineEntry } from '../plan';
import type { PlatformChanges } from '../plan/platformChanges';
import { toRemoteEntries, type DeltaItem } from '../remote';
import { loadBaselineScope } from '../state/baselineIndex';
import { loadBaselineRows } from '../state/baselineStore';

/**
 * The baseline rows an incremental run needs, without loading the drive: the rows of delta's items and
 * of the parents they name (by id), then, with the items placed in the tree, the rows around them
 * through the path index. A few queries per change instead of one per thousand items of the drive.
 */
export async function loadBaselineAround(
    services: Services,
    driveId: string,
    items: readonly DeltaItem[],
    rootId: string | undefined,
    platform?: PlatformChanges,
    readFolders?: ReadonlyMap<string, readonly BaselineEntry[]>,
): Promise<BaselineEntry[]> {
    const ids = new Set<string>();
    for (const item of items) {
        ids.add(item.id);
        if (item.parentReference?.id) ids.add(item.parentReference.id);
    }
    // The rows a listing's changes name are read by id too: the item row, not its index copy, decides.
    for (const b of platform?.vanished ?? []) ids.add(b.remoteId);
    for (const { row } of platform?.edited ?? []) ids.add(row.remoteId);
    const byId = await loadBaselineRows(services, driveId, ids);
    for (const b of platform?.vanished ?? []) if (!byId.has(b.remoteId)) byId.set(b.remoteId, b);
    for (const { row } of platform?.edited ?? []) if (!byId.has(row.remoteId)) byId.set(row.remoteId, row);
    const { entries } = toRemoteEntries(items, [...byId.values()], rootId);
    return loadBaselineScope(services, driveId, entries, byId, platform, readFolders);
}
