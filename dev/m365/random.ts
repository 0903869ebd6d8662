import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Deterministic randomness for what a test or a developer may want to see again (tenant, user and app
 * ids, secret values, token lifetimes): the same seed gives the same ids run after run. Bearer values
 * that guard something (codes, refresh tokens) come from {@link unguessable} instead.
 */
export class SeededRandom {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    /** mulberry32: small, fast and good enough for ids. */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    integer(min: number, maxExclusive: number): number {
        return min + Math.floor(this.next() * (maxExclusive - min));
    }

    bytes(count: number): Buffer {
        const out = Buffer.alloc(count);
        for (let i = 0; i < count; i++) out[i] = this.integer(0, 256);
        return out;
    }

    /** A version-4 GUID, lower case, as Entra prints object ids. */
    guid(): string {
        const b = this.bytes(16);
        b[6] = (b[6]! & 0x0f) | 0x40;
        b[8] = (b[8]! & 0x3f) | 0x80;
        const hex = b.toString('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }

    chars(count: number, alphabet: string): string {
        let s = '';
        for (let i = 0; i < count; i++) s += alphabet[this.integer(0, alphabet.length)];
        return s;
    }
}

/** Opaque bearer values (authorization codes, refresh tokens): never predictable, even with a seed. */
export function unguessable(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
}

/** Trace and correlation ids: unique per response, no need to repeat across runs. */
export function randomGuid(): string {
    return randomUUID();
}
