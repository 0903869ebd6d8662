/**
 * QuickXorHash, the content hash OneDrive and SharePoint report in `file.hashes.quickXorHash`
 * (since 2023 the only hash on every drive type). A port of rclone's
 * backend/onedrive/quickxorhash (Size=20, shift=11).
 *
 * The 160-bit state rotates by 11 bits per byte, so byte i of the input always lands at bit
 * (i * 11) mod 160. The pattern repeats every 160 bytes x 11 = 1760 bytes, which is why the state
 * is kept as a 1760-byte accumulator that input bytes are simply XORed into (cheap, and the same
 * for any chunking); the bit rotation is applied once, in digest().
 */

const WIDTH_BITS = 160;
const SHIFT = 11;
const HASH_BYTES = WIDTH_BITS / 8;
const CELLS = SHIFT * WIDTH_BITS; // 1760

export class QuickXorHash {
    private readonly cells = new Uint8Array(CELLS);
    /** The same accumulator seen as 32-bit words (XOR is byte-order agnostic), for the fast path. */
    private readonly words = new Uint32Array(this.cells.buffer);
    /** Total bytes seen; a number is exact up to 2^53, far beyond Graph's 250 GB file limit. */
    private length = 0;

    update(chunk: Uint8Array): this {
        const cells = this.cells;
        let pos = this.length % CELLS;
        let i = 0;
        const n = chunk.length;
        while (i < n) {
            // XOR straight runs up to the end of the accumulator, then wrap.
            const run = Math.min(CELLS - pos, n - i);
            let k = 0;
            const at = chunk.byteOffset + i;
            if ((pos & 3) === 0 && (at & 3) === 0 && run >= 64) {
                // Both sides 4-byte aligned: XOR whole words, 4x fewer operations.
                const count = run >> 2;
                const src = new Uint32Array(chunk.buffer, at, count);
                const dst = this.words;
                const base = pos >> 2;
                for (let w = 0; w < count; w++) dst[base + w] ^= src[w];
                k = count << 2;
            }
            for (; k < run; k++) cells[pos + k] ^= chunk[i + k];
            i += run;
            pos = (pos + run) % CELLS;
        }
        this.length += n;
        return this;
    }

    /** The 20-byte digest, base64-encoded as Graph reports it. Does not reset the state. */
    digest(): string {
        return Buffer.from(this.digestBytes()).toString('base64');
    }

    digestBytes(): Uint8Array {
        const h = new Uint8Array(HASH_BYTES + 1);
        for (let i = 0; i < CELLS; i++) {
            const bit = (i * SHIFT) % WIDTH_BITS;
            const at = bit >> 3;
            const shifted = this.cells[i] << (bit & 7);
            h[at] ^= shifted & 0xff;
            h[at + 1] ^= shifted >> 8;
        }
        // Bits that rotated past the end wrap to the start.
        h[0] ^= h[HASH_BYTES];
        // The length, little-endian, is XORed into the last 8 bytes.
        let len = this.length;
        for (let i = HASH_BYTES - 8; i < HASH_BYTES; i++) {
            h[i] ^= len % 256;
            len = Math.floor(len / 256);
        }
        return h.subarray(0, HASH_BYTES);
    }

    get bytesHashed(): number {
        return this.length;
    }
}

/** One-shot convenience for buffers already in memory. */
export function quickXorHash(data: Uint8Array): string {
    return new QuickXorHash().update(data).digest();
}

/** The hash of zero bytes; Personal drives report it on deleted items, where it means nothing. */
export const EMPTY_QUICK_XOR_HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
