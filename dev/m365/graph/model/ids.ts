import { createHash } from 'node:crypto';

/**
 * Deterministic identifiers: every id is derived from the simulator's seed and a counter, so a
 * seeded run produces the same ids, eTags and tokens every time.
 */
export class IdSource {
    private counter = 0;

    constructor(private readonly seed: string) {}

    private bytes(kind: string, length: number): Buffer {
        const out: Buffer[] = [];
        const n = ++this.counter;
        for (let block = 0; out.length * 32 < length; block++) {
            out.push(createHash('sha256').update(`${this.seed}:${kind}:${n}:${block}`).digest());
        }
        return Buffer.concat(out).subarray(0, length);
    }

    guid(): string {
        const h = this.bytes('guid', 16).toString('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }

    /** Business/SharePoint item ids: `01` followed by 32 base32 characters. */
    businessItemId(): string {
        return '01' + base32(this.bytes('item', 20)).slice(0, 32);
    }

    /** Business drive ids: `b!` followed by base64url, as SharePoint's are. */
    businessDriveId(): string {
        return 'b!' + this.bytes('drive', 48).toString('base64url');
    }

    /** Personal drive ids are 16 hex digits; item ids are `<DRIVEID>!<n>`. */
    personalDriveId(): string {
        return this.bytes('pdrive', 8).toString('hex');
    }

    opaque(kind: string, length = 24): string {
        return this.bytes(kind, length).toString('base64url');
    }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(data: Buffer): string {
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of data) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += ALPHABET[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    return out;
}

/** A small seeded PRNG (mulberry32) for fault injection that must replay identically. */
export function seededRandom(seed: string): () => number {
    let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
    return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
