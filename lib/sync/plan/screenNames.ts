import { appendTo } from './collections';
import { caseCollision, checkName, foldName } from '../names';
import { setFate } from './fates';
import { ItemGraph } from './itemGraph';
import { isLiveOn, remoteKey, ROOT, SkipInfo, SyncItem } from './model';
import { choosePlacement } from './moves';
import { compareText, foldPath, parentPath } from './paths';
import { ConflictPolicy } from './types';

/**
 * Names the platform is about to give SharePoint are checked before any call (graph-sync.md §1.5):
 * an offending item is skipped with the rule and a hint, and so is everything under it; the rest of
 * the plan goes ahead. Siblings whose names differ only by case cannot coexist on SharePoint: the
 * first (an already-synced item, else the first path) keeps its name, the next is skipped.
 */
export function screenNames(graph: ItemGraph, policy: ConflictPolicy): void {
    skipCaseCollisions(graph, policy);
    for (const item of graph.sorted()) {
        if (item.fate === 'skip') continue;
        const name = platformGivenName(graph, item, policy);
        if (name === undefined) continue;
        const place = graph.placeOn(item, 'platform');
        const result = checkName(name, { isFolder: item.isFolder, atRoot: place?.parent === ROOT });
        if (!result.ok) skip(item, result.rule, result.message, result.hint);
    }
    skipDescendantsOfSkipped(graph);
}

/** The name the platform side would set on SharePoint, if any. */
function platformGivenName(graph: ItemGraph, item: SyncItem, policy: ConflictPolicy): string | undefined {
    const place = graph.placeOn(item, 'platform');
    if (!place) return undefined;
    if (item.fate === 'new' && item.side === 'platform') return place.name;
    if (item.fate === 'keep' && choosePlacement(graph, item, policy).movedBy === 'platform') return place.name;
    return undefined;
}

function skipCaseCollisions(graph: ItemGraph, policy: ConflictPolicy): void {
    const groups = new Map<string, SyncItem[]>();
    for (const item of graph.sorted()) {
        const place = isLiveOn(item, 'platform') ? graph.placeOn(item, 'platform') : undefined;
        if (!place) continue;
        const key = `${place.parent}\u0000${foldName(place.name)}`;
        appendTo(groups, key, item);
    }
    for (const group of groups.values()) {
        if (group.length < 2) continue;
        const [first, ...rest] = group.sort(syncedFirst);
        for (const item of rest) {
            if (platformGivenName(graph, item, policy) === undefined) continue;
            const problem = caseCollision(item.platform?.path ?? '', first.platform?.path ?? '');
            skip(item, problem.rule, problem.message, problem.hint);
        }
    }
}

function syncedFirst(a: SyncItem, b: SyncItem): number {
    const rank = (i: SyncItem) => (i.baseline ? 0 : 1);
    return rank(a) - rank(b) || compareText(a.platform?.path ?? '', b.platform?.path ?? '');
}

function skipDescendantsOfSkipped(graph: ItemGraph): void {
    for (const item of graph.sorted()) {
        if (item.fate === 'skip' || item.fate === 'forget') continue;
        const above = graph.ancestorWhere(item, (a) => a.fate === 'skip' && a.skip?.rule !== 'parent_skipped');
        if (!above) continue;
        const inside = above.skip?.inside;
        if (inside) skip(item, inside.rule, inside.message, inside.hint);
        else
            skip(
                item,
                'parent_skipped',
                'A folder above this item cannot be synced, so neither can the item.',
                'Fix the folder name reported for the parent folder on the platform; its contents sync after that.',
            );
    }
}

export function skip(item: SyncItem, rule: string, message: string, hint: string, inside?: SkipInfo['inside']): void {
    setFate(item, 'skip', undefined, rule);
    item.skip = { rule, message, hint, ...(inside ? { inside } : {}) };
}

/**
 * SharePoint items that are not files or folders to copy (a OneNote notebook and its parts, a
 * shortcut into another drive: remote/unsupportedItems.ts) stay where they are on both sides, each
 * with its reason; anything on the platform inside such an item is left alone too.
 */
export function skipUnsupported(graph: ItemGraph): void {
    const held = new Map<string, NonNullable<SkipInfo['inside']>>();
    for (const item of graph.sorted()) {
        const unsupported = item.remote?.unsupported;
        if (!unsupported) continue;
        const inside = {
            rule: `${unsupported.rule.replace(/_content$/, '')}_content`,
            message: `Inside "${item.remote?.name ?? 'an item'}" in SharePoint/OneDrive, which is not synced: left alone.`,
            hint: unsupported.hint,
        };
        skip(item, unsupported.rule, unsupported.message, unsupported.hint, inside);
        if (item.remote) held.set(foldPath(item.remote.path), inside);
    }
    if (held.size === 0) return;
    // A platform item created where such an item stands (or inside it) is not sent into it either.
    for (const item of graph.sorted()) {
        if (item.fate !== 'new' || item.side !== 'platform' || !item.platform) continue;
        const path = foldPath(item.platform.path);
        for (let at = path; at !== ''; at = parentPath(at)) {
            const inside = held.get(at);
            if (!inside) continue;
            skip(item, inside.rule, inside.message, inside.hint);
            break;
        }
    }
}

/** Remote items whose parent the input does not explain are left alone (see remoteView). */
export function skipOrphans(graph: ItemGraph, ids: ReadonlySet<string>): void {
    for (const id of [...ids].sort()) {
        const item = graph.get(remoteKey(id));
        if (item)
            skip(
                item,
                'remote_parent_unknown',
                'SharePoint reported this item under a folder the sync does not know.',
                'Run the sync again; if it persists, start a full resync of the drive.',
            );
    }
}
