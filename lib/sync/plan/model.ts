import { BaselineEntry, PlatformEntry, RemoteEntry, Side } from './types';

/** Key of the drive root: the parent of every top-level item. */
export const ROOT = '';

/** Where an item sits: its parent (an item key) and its own name. */
export interface Placement {
    parent: string;
    name: string;
}

/** How a side's content compares with the baseline. `meta`/`touched`: tags moved, content did not. */
export type RemoteChange = 'same' | 'meta' | 'content';
export type PlatformChange = 'same' | 'touched' | 'content';

/**
 * What happens to an item, decided before any action is written:
 * - `keep`: synced before and live on both sides;
 * - `new`: live on one side only and copied to the other (a creation, or an edit that beat a delete);
 * - `pair`: created on both sides independently and matched by name;
 * - `delete`: gone from one side, untouched on the other, so deleted there too;
 * - `forget`: gone from both sides;
 * - `skip`: cannot be synced (a name rule), left alone.
 */
export type Fate = 'keep' | 'new' | 'pair' | 'delete' | 'forget' | 'skip';

export type ContentDecision =
    | { kind: 'none' }
    | { kind: 'equal'; why: string }
    | { kind: 'download'; why: string }
    | { kind: 'upload'; why: string }
    | { kind: 'keepBoth'; loser: Side; why: string };

export interface SkipInfo {
    rule: string;
    message: string;
    hint: string;
    /** What the items under a skipped folder are told (default: `parent_skipped`, a name to fix). */
    inside?: { rule: string; message: string; hint: string };
}

/** The planner's working record of one item across the three inputs. */
export interface SyncItem {
    key: string;
    isFolder: boolean;
    /** The baseline row (kept even when the fate ignores it, so it can be replaced or forgotten). */
    baseline?: BaselineEntry;
    remote?: RemoteEntry;
    platform?: PlatformEntry;
    remoteChange: RemoteChange;
    platformChange: PlatformChange;
    /** Baseline item that delta (or an ancestor's tombstone) says is gone. */
    remoteDeleted: boolean;
    /** Deleted because a full listing that proves absence did not list it (no tombstone). */
    remoteUnlisted?: boolean;
    /** Baseline item missing from a resync's full listing: unknown, never a delete. */
    remoteAbsent: boolean;
    basePlace?: Placement;
    remotePlace?: Placement;
    platformPlace?: Placement;
    fate: Fate;
    /** For `new`: the side the item lives on; for `delete`: the side it is deleted from. */
    side?: Side;
    /** Why the fate was chosen, as a reason code (e.g. `delete_vs_edit`). */
    why?: string;
    /** For `pair`: the platform-side key merged into this item. */
    pairedWith?: string;
    /** Baseline rows this item replaces (a pair that absorbed an item the baseline knew under another id). */
    replaces?: BaselineEntry[];
    /** How the content of an item live on both sides is reconciled. */
    content?: ContentDecision;
    skip?: SkipInfo;
    final?: Placement;
    /** The name the item wanted when another item already had it (it then gets a conflict name). */
    displacedFrom?: string;
}

export function remoteKey(id: string): string {
    return `id:${id}`;
}

export function platformKey(path: string): string {
    return `path:${path}`;
}

export function isLiveOn(item: SyncItem, side: Side): boolean {
    return side === 'remote' ? item.remote !== undefined : item.platform !== undefined;
}

export function placeOn(item: SyncItem, side: Side): Placement | undefined {
    return side === 'remote' ? item.remotePlace : item.platformPlace;
}

export function samePlacement(a: Placement | undefined, b: Placement | undefined): boolean {
    return a !== undefined && b !== undefined && a.parent === b.parent && a.name === b.name;
}
