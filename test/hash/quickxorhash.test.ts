import { oraclePath } from '../../dev/m365/schema/oraclePaths';
import { readFileSync } from 'node:fs';
import { EMPTY_QUICK_XOR_HASH, QuickXorHash, quickXorHash } from '../../lib/hash/quickxorhash';

interface Vector {
    size: number;
    inputBase64: string;
    quickXorHash: string;
}

const oracle = JSON.parse(readFileSync(oraclePath('quickxorhash-vectors.json'), 'utf8')) as { vectors: Vector[] };

describe('QuickXorHash', () => {
    it("has all 70 of rclone's vectors to check", () => {
        expect(oracle.vectors).toHaveLength(70);
    });

    it.each(oracle.vectors.map((v) => [v.size, v] as const))('matches rclone for %i bytes', (_size, v) => {
        const input = Buffer.from(v.inputBase64, 'base64');
        expect(input.length).toBe(v.size);
        expect(quickXorHash(input)).toBe(v.quickXorHash);
    });

    it('matches rclone on both the word-aligned and the unaligned path', () => {
        for (const v of oracle.vectors.filter((x) => x.size >= 64)) {
            const input = Buffer.from(v.inputBase64, 'base64');
            const aligned = new Uint8Array(new ArrayBuffer(input.length));
            aligned.set(input);
            const shifted = new Uint8Array(new ArrayBuffer(input.length + 1), 1);
            shifted.set(input);
            expect([quickXorHash(aligned), quickXorHash(shifted)]).toEqual([v.quickXorHash, v.quickXorHash]);
        }
    });

    it('gives the same digest for chunked updates at odd boundaries', () => {
        const cuts = [1, 7, 11, 159, 160, 161, 1759, 1760, 1761, 3520, 4097];
        for (const v of oracle.vectors.filter((x) => x.size > 1)) {
            const input = Buffer.from(v.inputBase64, 'base64');
            for (const cut of cuts) {
                const h = new QuickXorHash();
                for (let i = 0; i < input.length; i += cut) h.update(input.subarray(i, i + cut));
                expect(h.digest()).toBe(v.quickXorHash);
            }
        }
    });

    it('is stable across many small and large chunks of a big buffer', () => {
        const big = Buffer.alloc(5 * 1024 * 1024 + 13);
        for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
        const oneShot = quickXorHash(big);
        const chunked = new QuickXorHash();
        let at = 0;
        let step = 1;
        while (at < big.length) {
            chunked.update(big.subarray(at, at + step));
            at += step;
            step = (step * 7 + 3) % 700_001;
        }
        expect(chunked.digest()).toBe(oneShot);
        expect(chunked.bytesHashed).toBe(big.length);
        expect(oneShot).not.toBe(EMPTY_QUICK_XOR_HASH);
    });

    it('hashes nothing to the all-zero digest and digest() does not reset', () => {
        const h = new QuickXorHash();
        expect(h.digest()).toBe(EMPTY_QUICK_XOR_HASH);
        h.update(Buffer.from([0x4a]));
        expect(h.digest()).toBe('SgAAAAAAAAAAAAAAAQAAAAAAAAA=');
        expect(h.digest()).toBe('SgAAAAAAAAAAAAAAAQAAAAAAAAA=');
    });
});
