import { decodeTableKey, encodeTableKey } from '../../../lib/auth/tokenCache';

describe('Table key encoding', () => {
    it('leaves ordinary home account ids readable', () => {
        expect(encodeTableKey('0a1b2c3d-aaaa-bbbb-cccc-0123456789ab.72f988bf-86f1-41af-91ab-2d7cd011db47', 'id')).toBe(
            '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab.72f988bf-86f1-41af-91ab-2d7cd011db47',
        );
    });

    it('removes every character Table keys forbid, reversibly and without collisions', () => {
        const nasty = 'a/b\\c#d?e\u0000f\u001fg\u007fh\u009fi%2Fj é';
        const encoded = encodeTableKey(nasty, 'id');
        const forbidden = (c: string) =>
            '/\\#?'.includes(c) || c.charCodeAt(0) <= 0x1f || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f);
        expect(Array.from(encoded).filter(forbidden)).toEqual([]);
        expect(Array.from(nasty).filter(forbidden)).toHaveLength(8);
        expect(decodeTableKey(encoded)).toBe(nasty);
        // A literal "%2F" and a "/" must not encode alike.
        expect(encodeTableKey('%2F', 'id')).not.toBe(encodeTableKey('/', 'id'));
    });

    it('rejects empty and over-long keys with a coded error', () => {
        expect(() => encodeTableKey('', 'home account id')).toThrow(
            expect.objectContaining({ code: 'token_cache_invalid_argument' }),
        );
        expect(() => encodeTableKey('x'.repeat(513), 'home account id')).toThrow(/too long/);
        expect(() => encodeTableKey('/'.repeat(200), 'home account id')).toThrow(/too long/);
    });
});
