import { QuickXorHash } from '../hash/quickxorhash';

/**
 * A QuickXorHash in progress, saved with a checkpoint so the next slice continues hashing where this
 * one stopped instead of re-reading everything before it. The state is the hash's 1760-byte
 * accumulator plus the byte count. QuickXorHash does not expose it yet, so this reads its fields
 * structurally and checks their shape; should that ever fail, callers re-hash the prefix instead.
 */
interface Internals {
    cells: Uint8Array;
    length: number;
}

const CELLS = 1760;

function internals(hash: QuickXorHash): Internals | undefined {
    const h = hash as unknown as Partial<Internals>;
    return h.cells instanceof Uint8Array && h.cells.length === CELLS && typeof h.length === 'number'
        ? (h as Internals)
        : undefined;
}

export interface SavedHash {
    cells: string;
    length: number;
}

export function saveHash(hash: QuickXorHash): SavedHash | undefined {
    const s = internals(hash);
    return s ? { cells: Buffer.from(s.cells).toString('base64'), length: s.length } : undefined;
}

export function restoreHash(saved: SavedHash | undefined, expectedLength: number): QuickXorHash | undefined {
    if (!saved || saved.length !== expectedLength) return undefined;
    const hash = new QuickXorHash();
    const s = internals(hash);
    const cells = Buffer.from(saved.cells, 'base64');
    if (!s || cells.length !== CELLS) return undefined;
    s.cells.set(cells);
    s.length = saved.length;
    return hash;
}

/** A copy, to compute "the hash if these bytes were the last" without disturbing the running one. */
export function cloneHash(hash: QuickXorHash): QuickXorHash | undefined {
    const saved = saveHash(hash);
    return saved ? restoreHash(saved, saved.length) : undefined;
}
