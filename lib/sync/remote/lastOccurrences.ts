/**
 * Which occurrence of an id in a delta listing is its last (graph-sync.md §1.3: an item may be
 * listed more than once; the last occurrence wins), for a listing read twice from the page journal
 * rather than held. The first pass calls `see` for every item in order; the second asks `isLast`.
 *
 * Memory stays a few bytes per item: a set of 32-bit hashes of the ids, and exact sequence numbers
 * only for ids whose hash was seen before (the real repeats, plus the rare hash collision, which is
 * harmless: a collided id's only occurrence is its last).
 */
export class LastOccurrences {
    private slots = new Uint32Array(1 << 12);
    private used = 0;
    private readonly repeats = new Map<string, number>();

    see(id: string, seq: number): void {
        if (this.add(hashOf(id))) return;
        this.repeats.set(id, seq);
    }

    isLast(id: string, seq: number): boolean {
        const last = this.repeats.get(id);
        return last === undefined || last === seq;
    }

    /** False when the hash was already there. */
    private add(hash: number): boolean {
        if ((this.used + 1) * 2 > this.slots.length) this.grow();
        const mask = this.slots.length - 1;
        for (let i = hash & mask; ; i = (i + 1) & mask) {
            if (this.slots[i] === hash) return false;
            if (this.slots[i] === 0) {
                this.slots[i] = hash;
                this.used++;
                return true;
            }
        }
    }

    private grow(): void {
        const old = this.slots;
        this.slots = new Uint32Array(old.length * 2);
        this.used = 0;
        for (const hash of old) if (hash !== 0) this.add(hash);
    }
}

/** FNV-1a over UTF-16 code units; 0 marks an empty slot, so it is never a hash. */
function hashOf(id: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
        h ^= id.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0 || 1;
}
