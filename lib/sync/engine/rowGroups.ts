import { groupOf } from '../plan/batches';
import type { BaselineEntry } from '../plan/types';
import { idHash } from '../remote/listingChanges';

/**
 * The staging group of each baseline row of a resumed first sync, by a 64-bit hash of its remote id:
 * while the listing is staged after the rows, an item that has a row goes to its row's group
 * (plan/batches.ts remoteGroup), so the two meet in one batch without either side being held.
 *
 * Memory: three 32-bit words a slot, the table a quarter to half full (24 to 48 bytes a row), and
 * each distinct folder once (the drive's folders are held anyway: FolderIndex). The same order as the
 * listing's last-occurrence table (remote/lastOccurrences.ts), and a resume holds it for its rows
 * only. Two ids with the same 64-bit hash (odds about n²/2⁶⁵) would put an item in the other's
 * group: it is then planned without its row, as a first sync would (copied or paired, never deleted).
 */
export class RowGroups {
    private slots = new Uint32Array(3 << 10);
    private used = 0;
    private readonly groups: string[] = [];
    private readonly groupIndex = new Map<string, number>();

    get size(): number {
        return this.used;
    }

    add(row: BaselineEntry): void {
        if ((this.used + 1) * 2 > this.capacity) this.grow();
        const group = groupOf(row.platformPath);
        let index = this.groupIndex.get(group);
        if (index === undefined) {
            index = this.groups.push(group) - 1;
            this.groupIndex.set(group, index);
        }
        const [hi, lo] = idHash(row.remoteId);
        this.put(hi, lo, index);
    }

    /** The group of the row with this remote id, if there is one. */
    groupOf(remoteId: string): string | undefined {
        const [hi, lo] = idHash(remoteId);
        const at = this.probe(hi, lo);
        return this.slots[at * 3 + 1] === 0 ? undefined : this.groups[this.slots[at * 3 + 2]!];
    }

    private get capacity(): number {
        return this.slots.length / 3;
    }

    private put(hi: number, lo: number, index: number): void {
        const at = this.probe(hi, lo);
        if (this.slots[at * 3 + 1] === 0) this.used++;
        this.slots[at * 3] = hi;
        this.slots[at * 3 + 1] = lo;
        this.slots[at * 3 + 2] = index;
    }

    /** The slot holding the id hash, or the empty slot where it would go. */
    private probe(hi: number, lo: number): number {
        const mask = this.capacity - 1;
        for (let at = (lo ^ hi) & mask; ; at = (at + 1) & mask) {
            const l = this.slots[at * 3 + 1];
            if (l === 0 || (l === lo && this.slots[at * 3] === hi)) return at;
        }
    }

    private grow(): void {
        const old = this.slots;
        this.slots = new Uint32Array(old.length * 2);
        this.used = 0;
        for (let at = 0; at < old.length; at += 3)
            if (old[at + 1] !== 0) this.put(old[at]!, old[at + 1]!, old[at + 2]!);
    }
}
