import { mergeCacheJson } from '../../../lib/auth/tokenCache';

const at = (secret: string, cachedAt: number) => ({
    home_account_id: 'u.t',
    credential_type: 'AccessToken',
    secret,
    cached_at: String(cachedAt),
    expires_on: String(cachedAt + 3600),
});
const rt = (secret: string) => ({ home_account_id: 'u.t', credential_type: 'RefreshToken', secret });
const doc = (sections: Record<string, Record<string, unknown>>) =>
    JSON.stringify({ Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {}, ...sections });
const merge = (base: string, mine: string, theirs: string) =>
    JSON.parse(mergeCacheJson(base, mine, theirs)) as Record<string, Record<string, { secret?: string }>>;

describe('mergeCacheJson (three-way merge of MSAL caches)', () => {
    const base = doc({ RefreshToken: { rt0: rt('old') }, AccessToken: { graph: at('g0', 100) } });

    it('keeps entries each side added, refresh tokens included', () => {
        const mine = doc({ RefreshToken: { rt0: rt('old'), rtMine: rt('m') }, AccessToken: { graph: at('g0', 100) } });
        const theirs = doc({
            RefreshToken: { rt0: rt('old'), rtTheirs: rt('t') },
            AccessToken: { graph: at('g0', 100), sp: at('s1', 200) },
        });
        const out = merge(base, mine, theirs);
        expect(Object.keys(out.RefreshToken).sort()).toEqual(['rt0', 'rtMine', 'rtTheirs']);
        expect(Object.keys(out.AccessToken).sort()).toEqual(['graph', 'sp']);
    });

    it('takes the side that changed an entry, including a removal by either side', () => {
        const mine = doc({ RefreshToken: { rt0: rt('old') }, AccessToken: {} }); // I removed the expired token
        const theirs = doc({ RefreshToken: { rt0: rt('rotated') }, AccessToken: { graph: at('g0', 100) } }); // they rotated the RT
        const out = merge(base, mine, theirs);
        expect(out.RefreshToken.rt0.secret).toBe('rotated');
        expect(out.AccessToken).toEqual({});
    });

    it('when both changed an entry, the newer access token wins whichever side it is on', () => {
        const older = doc({ RefreshToken: { rt0: rt('old') }, AccessToken: { graph: at('g-older', 150) } });
        const newer = doc({ RefreshToken: { rt0: rt('old') }, AccessToken: { graph: at('g-newer', 300) } });
        expect(merge(base, older, newer).AccessToken.graph.secret).toBe('g-newer');
        expect(merge(base, newer, older).AccessToken.graph.secret).toBe('g-newer');
    });

    it('when both rotated the refresh token, this (later) writer wins; a change beats a removal', () => {
        const mine = doc({ RefreshToken: { rt0: rt('mine') }, AccessToken: {} });
        const theirs = doc({ RefreshToken: { rt0: rt('theirs') }, AccessToken: { graph: at('g2', 400) } });
        const out = merge(base, mine, theirs);
        expect(out.RefreshToken.rt0.secret).toBe('mine');
        expect(out.AccessToken.graph.secret).toBe('g2');
    });

    it('without a base (a create that lost to another create) it is a union', () => {
        const out = merge('', doc({ RefreshToken: { a: rt('a') } }), doc({ RefreshToken: { b: rt('b') } }));
        expect(Object.keys(out.RefreshToken).sort()).toEqual(['a', 'b']);
    });

    it('ignores property order and keeps unknown root sections', () => {
        const graph = at('g0', 100);
        const reordered = Object.fromEntries(Object.entries(graph).reverse());
        expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(graph));
        const mine = JSON.stringify({ ...JSON.parse(base), Future: { x: 1 }, AccessToken: {} }); // I removed graph
        const theirs = doc({ RefreshToken: { rt0: rt('old') }, AccessToken: { graph: reordered } }); // they only re-serialized it
        const out = merge(base, mine, theirs) as Record<string, unknown>;
        expect(out.Future).toEqual({ x: 1 });
        expect(out.AccessToken).toEqual({});
    });
});
