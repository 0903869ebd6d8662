import type { Client } from '@microsoft/microsoft-graph-client';
import type { BaselineEntry } from '../plan';
import type { DeltaItem } from './deltaItem';
import { graphError } from '../../graph/graphError';

/**
 * Files without hashes (OneNote's `.one`/`.onetoc2`, some SharePoint items: m365-quirks.md 6) whose
 * eTag moved: the eTag covers metadata too, so it cannot tell a rename from an edit, and there is no
 * hash to compare. The cTag covers content only (graph-sync.md §1.4) and is what abraunegg and rclone
 * fall back on alongside the size, but OneDrive for Business and SharePoint leave it out of delta
 * (§1.3). So for such a file, when its size did not change (a new size is content for sure), the run
 * reads its cTag with one GET; the planner then sees an unchanged cTag as a metadata-only change
 * (plan/compare.ts) and downloads nothing. One request per hashless file changed in place: rare.
 */
export async function withContentTags(
    graph: Client,
    graphDriveId: string,
    items: DeltaItem[],
    baseline: readonly BaselineEntry[],
): Promise<DeltaItem[]> {
    const base = new Map(baseline.map((b) => [b.remoteId, b]));
    const needed = items.filter((item) => {
        const row = base.get(item.id);
        return (
            !!row &&
            !row.isFolder &&
            row.remoteCTag !== undefined &&
            !item.deleted &&
            !item.folder &&
            !item.package &&
            !item.cTag &&
            !item.file?.hashes?.quickXorHash &&
            item.eTag !== row.remoteETag &&
            item.size === row.remoteSize
        );
    });
    if (needed.length === 0) return items;
    const tags = new Map<string, string>();
    for (const item of needed) {
        try {
            const got = (await graph
                .api(`/drives/${encodeURIComponent(graphDriveId)}/items/${encodeURIComponent(item.id)}`)
                .select('id,eTag,cTag,size')
                .get()) as { cTag?: string; eTag?: string; size?: number };
            // Only if nothing moved since delta listed it; otherwise let the planner see a change.
            if (got.cTag && got.eTag === item.eTag && got.size === item.size) tags.set(item.id, got.cTag);
        } catch (e) {
            if (graphError(e)?.status !== 404) throw e;
        }
    }
    return items.map((item) => (tags.has(item.id) ? { ...item, cTag: tags.get(item.id) } : item));
}
