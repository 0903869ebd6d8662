import type { BaselineEntry, RemoteEntry } from '../plan';
import { baseName } from '../plan/paths';
import { type DeltaItem, isFolderItem } from './deltaItem';

/**
 * A full listing (the weekly reconciliation listing, a 410's resync) reduced to how it differs from
 * the baseline, read from the page journal instead of held: the items it lists new or changed, the
 * baseline rows it lists deleted, and the rows it does not list at all. A drive that delta kept in
 * step differs in a handful of items, so the run plans those as an incremental run would (scoped to
 * the changes) and holds a few bytes per item, not the listing and the baseline.
 *
 * "Changed" is what the planner would see as a change: another eTag, name or type than the row's.
 * Graph's eTag covers "the entire item (metadata + content)" (driveItem resource), so a move, a rename
 * or an edit gives a new one; an item whose eTag and name equal its row is planned from the row, as
 * an incremental run plans every item delta did not list, and its path follows its parent's.
 *
 * Memory: 16 bytes per baseline row in typed arrays (64-bit hashes of its id and signature) plus one
 * byte for "listed", and the changed items themselves.
 */
export interface ListingChanges {
    /** Listed items new or changed since their row, or listed deleted (last occurrences, listing order); the root. */
    items: DeltaItem[];
    /** Remote ids of the baseline rows the listing does not list. */
    unlisted: string[];
    /** Distinct live items listed (the root excepted): the drive's size now, for the big-delete guard. */
    live: number;
    /** Items in the listing, every occurrence. */
    listed: number;
    rootId?: string;
}

export async function listingChanges(
    pages: AsyncIterable<readonly DeltaItem[]>,
    baseline: () => AsyncIterable<readonly BaselineEntry[]>,
    /** Called between pages: throws when the run must stop (its lease was lost). */
    checkpoint?: () => void,
): Promise<ListingChanges> {
    const rows = new RowSignatures();
    for await (const page of baseline()) for (const row of page) rows.add(row.remoteId, rowSignature(row));
    const kept = new Map<string, DeltaItem>();
    let rootId: string | undefined;
    let listed = 0;
    for await (const page of pages) {
        checkpoint?.();
        for (const item of page) {
            listed++;
            // The last occurrence of an id wins (graph-sync.md §1.3): an earlier one kept is replaced or dropped.
            kept.delete(item.id);
            const slot = rows.find(item.id);
            if (slot >= 0) rows.markListed(slot);
            if (item.root) rootId = item.id;
            // A listed delete matters only for a synced item; the root is kept for the path resolution.
            const differs = item.deleted ? slot >= 0 : slot < 0 || !rows.matches(slot, itemSignature(item));
            if (differs || item.root) kept.set(item.id, item);
        }
    }
    const unlisted: string[] = [];
    for await (const page of baseline())
        for (const row of page) if (!rows.isListed(rows.find(row.remoteId))) unlisted.push(row.remoteId);
    // Rows listed, less those whose last occurrence is a tombstone, plus the new items.
    let live = rows.listedCount;
    for (const item of kept.values()) {
        const known = rows.find(item.id) >= 0;
        if (known && (item.deleted || item.root)) live--;
        else if (!known && !item.deleted && !item.root) live++;
    }
    return { items: [...kept.values()], unlisted, live, listed, rootId };
}

/**
 * The planner's entries with the unlisted rows' (resolved from `{ id, deleted }` items) marked as the
 * whole listing would have them planned: deleted when the listing proves absence, else unknown.
 */
export function markUnlisted(entries: RemoteEntry[], unlisted: readonly string[], proves: boolean): RemoteEntry[] {
    if (unlisted.length === 0) return entries;
    const ids = new Set(unlisted);
    const mark = proves ? 'deleted' : 'unknown';
    return entries.map((e) => (ids.has(e.id) ? { ...e, unlisted: mark } : e));
}

type Signature = readonly [number, number];

/** What the planner compares of an unchanged item (plan/compare.ts): eTag, and the place's name and type. */
export function itemSignature(item: DeltaItem): Signature {
    return hash64(`${item.eTag ?? ''}\n${item.name ?? ''}\n${isFolderItem(item) ? 'd' : 'f'}`);
}

export function rowSignature(row: BaselineEntry): Signature {
    return hash64(`${row.remoteETag}\n${baseName(row.platformPath)}\n${row.isFolder ? 'd' : 'f'}`);
}

/**
 * Baseline rows by a 64-bit hash of their remote id, with a 64-bit hash of their signature, in one
 * open-addressed typed array (4 words a slot, at most half full). A collision of two ids (odds about
 * n²/2⁶⁵: 3·10⁻⁸ at a million rows) makes one row look listed when only the other was: its delete
 * waits for the next listing; never the other way round.
 */
class RowSignatures {
    private slots = new Uint32Array(4 << 10);
    private listed = new Uint8Array(1 << 10);
    private used = 0;
    listedCount = 0;

    add(id: string, signature: Signature): void {
        if ((this.used + 1) * 2 > this.listed.length) this.grow();
        const [hi, lo] = idHash(id);
        const at = this.probe(hi, lo);
        if (this.slots[at * 4 + 1] === 0) this.used++;
        this.slots[at * 4] = hi;
        this.slots[at * 4 + 1] = lo;
        this.slots[at * 4 + 2] = signature[0];
        this.slots[at * 4 + 3] = signature[1];
    }

    /** The row's slot, or -1. */
    find(id: string): number {
        const [hi, lo] = idHash(id);
        const at = this.probe(hi, lo);
        return this.slots[at * 4 + 1] === 0 ? -1 : at;
    }

    matches(slot: number, signature: Signature): boolean {
        return this.slots[slot * 4 + 2] === signature[0] && this.slots[slot * 4 + 3] === signature[1];
    }

    markListed(slot: number): void {
        if (this.listed[slot]) return;
        this.listed[slot] = 1;
        this.listedCount++;
    }

    isListed(slot: number): boolean {
        return slot >= 0 && this.listed[slot] === 1;
    }

    /** The slot holding the id hash, or the empty slot where it would go (an id's low word is never 0). */
    private probe(hi: number, lo: number): number {
        const mask = this.listed.length - 1;
        for (let at = (lo ^ hi) & mask; ; at = (at + 1) & mask) {
            const l = this.slots[at * 4 + 1];
            if (l === 0 || (l === lo && this.slots[at * 4] === hi)) return at;
        }
    }

    /** Only while the rows are added, before anything is marked listed. */
    private grow(): void {
        const old = this.slots;
        this.slots = new Uint32Array(old.length * 2);
        this.listed = new Uint8Array(this.listed.length * 2);
        for (let at = 0; at < old.length; at += 4) {
            if (old[at + 1] === 0) continue;
            this.slots.set(old.subarray(at, at + 4), this.probe(old[at]!, old[at + 1]!) * 4);
        }
    }
}

/** A 64-bit hash of a remote id whose low word is never 0 (0 marks an empty slot in a typed-array table). */
export function idHash(id: string): Signature {
    const [hi, lo] = hash64(id);
    return [hi, lo || 1];
}

/** Two independent 32-bit hashes (FNV-1a and a murmur3-style mix) over UTF-16 code units. */
function hash64(text: string): Signature {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995);
        b ^= b >>> 15;
    }
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
}
