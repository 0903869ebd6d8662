import type { Client } from '@microsoft/microsoft-graph-client';
import type { BaselineEntry } from '../plan';
import { foldPath } from '../plan/paths';
import type { DeltaItem } from './deltaItem';
import { fetchItems } from './fetchItems';
import { toRemoteEntries } from './remoteEntries';

/**
 * No two items at one path. SharePoint keeps names unique per folder (case-insensitively), so when
 * delta lists a new item where a synced item that delta did not mention still stands in the baseline,
 * that item has gone or moved without delta saying so: a dropped tombstone (onedrive-api-docs#1927),
 * or a folder deleted and recreated while a client paged, which shows only the new id
 * (microsoft-graph-docs-contrib#8794). Each such item is read by id: gone (404), its tombstone is
 * made up here, so the planner deletes its platform copy (unless the platform changed it: the usual
 * delete rules and the big-delete guard apply); still there, its current state joins delta's items.
 * One GET per displaced item, only in runs where it happens. What never collides waits for the
 * periodic reconciliation listing (engine/remoteListing.ts).
 */
export async function withDisplacedItems(
    graph: Client,
    graphDriveId: string,
    items: DeltaItem[],
    baseline: readonly BaselineEntry[],
    rootId: string | undefined,
): Promise<{ items: DeltaItem[]; displaced: string[] }> {
    const displaced = displacedIds(items, baseline, rootId);
    if (displaced.length === 0) return { items, displaced };
    const found = await fetchItems(graph, graphDriveId, displaced);
    const present = new Set(found.map((i) => i.id));
    const tombstones: DeltaItem[] = displaced.filter((id) => !present.has(id)).map((id) => ({ id, deleted: {} }));
    return { items: [...items, ...found, ...tombstones], displaced };
}

/** Ids of baseline items delta did not list whose place (after any folder move delta reported) a new item now holds. */
export function displacedIds(
    items: readonly DeltaItem[],
    baseline: readonly BaselineEntry[],
    rootId: string | undefined,
): string[] {
    const known = new Map(baseline.map((b) => [b.remoteId, b]));
    const { entries } = toRemoteEntries(items, baseline, rootId);
    const created = entries.filter((e) => !e.deleted && !known.has(e.id));
    if (created.length === 0) return [];
    const listed = new Set(items.map((i) => i.id));
    // Folders delta moved: the unlisted items under them moved with them (a rename re-emits no descendant).
    const moves = entries
        .filter((e) => e.isFolder && !e.deleted && known.has(e.id) && known.get(e.id)!.platformPath !== e.path)
        .map((e) => ({ from: `${known.get(e.id)!.platformPath}/`, to: `${e.path}/` }))
        .sort((a, b) => b.from.length - a.from.length);
    const here = (path: string): string => {
        const move = moves.find((m) => path.startsWith(m.from));
        return move ? move.to + path.slice(move.from.length) : path;
    };
    const standing = new Map<string, string>();
    for (const b of baseline) if (!listed.has(b.remoteId)) standing.set(foldPath(here(b.platformPath)), b.remoteId);
    const out = new Set<string>();
    for (const e of created) {
        const id = standing.get(foldPath(e.path));
        if (id) out.add(id);
    }
    return [...out];
}
