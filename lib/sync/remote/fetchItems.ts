import type { Client } from '@microsoft/microsoft-graph-client';
import { compactItem, DELTA_SELECT, type DeltaItem } from './deltaItem';
import { graphError } from '../../graph/graphError';

/**
 * The current state of a few items by id, in delta's shape: the items whose transfer was skipped
 * (a side changed after planning) and that delta will not report again while they stay unchanged.
 * One GET per item, only for those. An item gone since (404) is left to delta's tombstone.
 */
export async function fetchItems(graph: Client, graphDriveId: string, ids: readonly string[]): Promise<DeltaItem[]> {
    const items: DeltaItem[] = [];
    for (const id of ids) {
        try {
            const item = (await graph
                .api(`/drives/${encodeURIComponent(graphDriveId)}/items/${encodeURIComponent(id)}`)
                .select(DELTA_SELECT)
                .get()) as DeltaItem;
            items.push(compactItem(item));
        } catch (e) {
            if (graphError(e)?.status !== 404) throw e;
        }
    }
    return items;
}
