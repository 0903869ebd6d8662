import { discard, HttpDeps, NetworkError, send } from './http';
import { isTrustedTransferUrl } from './trustedHosts';
import { GraphError, readGraphError } from '../graph/graphError';

/**
 * One Range GET on a pre-authenticated download URL (no Authorization: the URL is the credential).
 * A 206 must carry the Content-Range we asked for (or end early at the end of what the server has);
 * a 200 means the server ignored Range (allowed). Redirects are followed here, hop by hop, and only to
 * Microsoft's hosts or the configured trusted ones (issue 17): a download URL is a credential, and a
 * hop elsewhere would hand the file's bytes (and the URL) to a host nobody vetted.
 */
export type RangeReply =
    /** `total`: the size the server says the file has (Content-Range), when it says. */
    | { kind: 'bytes'; bytes: Buffer; total?: number }
    /** `length`: Content-Length, when given. */
    | { kind: 'whole'; body: AsyncIterable<Uint8Array>; length?: number }
    | { kind: 'expired'; status: number }
    | { kind: 'malware'; virus: string }
    | { kind: 'mismatch'; reason: string }
    | { kind: 'broken'; reason: string }
    | { kind: 'untrusted'; host: string }
    | { kind: 'refused'; error: GraphError };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

export async function fetchRange(
    http: HttpDeps,
    url: string,
    start: number,
    end: number,
    trustedHosts: readonly string[],
): Promise<RangeReply> {
    let response: Response | undefined;
    let at = url;
    for (let hop = 0; ; hop++) {
        try {
            response = await send(
                http,
                at,
                { method: 'GET', headers: { Range: `bytes=${start}-${end}` }, redirect: 'manual' },
                { retryServerErrors: true, what: 'download range' },
            );
        } catch (e) {
            if (e instanceof NetworkError) return { kind: 'broken', reason: 'connection failed' };
            throw e;
        }
        if (!REDIRECTS.has(response.status)) break;
        const location = response.headers.get('location');
        await discard(response);
        if (!location || hop + 1 >= MAX_HOPS) return { kind: 'broken', reason: 'redirected too often' };
        const next = new URL(location, at);
        if (!isTrustedTransferUrl(next.href, trustedHosts)) return { kind: 'untrusted', host: next.host };
        at = next.href;
    }
    if (response.status === 206) return readRange(response, start, end);
    if (response.status === 200) {
        if (!response.body) return { kind: 'broken', reason: 'no body' };
        const length = Number(response.headers.get('content-length') ?? NaN);
        return {
            kind: 'whole',
            body: response.body as unknown as AsyncIterable<Uint8Array>,
            ...(Number.isInteger(length) ? { length } : {}),
        };
    }
    const virus = response.headers.get('x-virus-infected');
    if (response.status === 403 && virus) {
        await discard(response);
        return { kind: 'malware', virus };
    }
    if ([401, 403, 404, 410].includes(response.status)) {
        await discard(response);
        return { kind: 'expired', status: response.status };
    }
    if (response.status === 416) {
        await discard(response);
        return { kind: 'mismatch', reason: '416' };
    }
    if (response.status >= 500) {
        await discard(response);
        return { kind: 'broken', reason: String(response.status) };
    }
    return { kind: 'refused', error: await readGraphError(response) };
}

/**
 * A 206 must start where we asked and end where we asked, or earlier only where the file ends: the
 * bytes served can differ from what Graph lists (AIP-protected files, m365-quirks.md entry 3), and
 * the total in Content-Range is what the server has.
 */
async function readRange(response: Response, start: number, end: number): Promise<RangeReply> {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    const total = m && m[3] !== '*' ? Number(m[3]) : undefined;
    const last = m ? Number(m[2]) : -1;
    const fits =
        !!m && Number(m[1]) === start && (last === end || (last < end && total !== undefined && last === total - 1));
    if (!fits || (total !== undefined && last >= total)) {
        await discard(response);
        return { kind: 'mismatch', reason: `Content-Range ${response.headers.get('content-range') ?? 'missing'}` };
    }
    const reply = await readExactly(response, last - start + 1);
    return reply.kind === 'bytes' && total !== undefined ? { ...reply, total } : reply;
}

async function readExactly(response: Response, count: number): Promise<RangeReply> {
    const out = Buffer.allocUnsafe(count);
    let at = 0;
    try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            if (at + chunk.length > count) {
                await discard(response);
                return { kind: 'mismatch', reason: 'more bytes than the range' };
            }
            out.set(chunk, at);
            at += chunk.length;
        }
    } catch (e) {
        return { kind: 'broken', reason: `body cut off (${(e as Error).message})` };
    }
    return at === count ? { kind: 'bytes', bytes: out } : { kind: 'broken', reason: `short body (${at} of ${count})` };
}
