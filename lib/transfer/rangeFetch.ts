import { discard, graphCallError, GraphCallError, HttpDeps, NetworkError, send } from './http';

/**
 * One Range GET on a pre-authenticated download URL (no Authorization: the URL is the credential).
 * A 206 must carry the Content-Range we asked for; a 200 means the server ignored Range (allowed).
 */
export type RangeReply =
    | { kind: 'bytes'; bytes: Buffer }
    | { kind: 'whole'; body: AsyncIterable<Uint8Array> }
    | { kind: 'expired'; status: number }
    | { kind: 'malware'; virus: string }
    | { kind: 'mismatch'; reason: string }
    | { kind: 'broken'; reason: string }
    | { kind: 'refused'; error: GraphCallError };

export async function fetchRange(
    http: HttpDeps,
    url: string,
    start: number,
    end: number,
    total: number,
): Promise<RangeReply> {
    let response: Response;
    try {
        response = await send(
            http,
            url,
            { method: 'GET', headers: { Range: `bytes=${start}-${end}` } },
            { retryServerErrors: true, what: 'download range' },
        );
    } catch (e) {
        if (e instanceof NetworkError) return { kind: 'broken', reason: 'connection failed' };
        throw e;
    }
    if (response.status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
        if (!m || Number(m[1]) !== start || Number(m[2]) !== end || (m[3] !== '*' && Number(m[3]) !== total)) {
            await discard(response);
            return { kind: 'mismatch', reason: `Content-Range ${response.headers.get('content-range') ?? 'missing'}` };
        }
        return readExactly(response, end - start + 1);
    }
    if (response.status === 200) {
        if (!response.body) return { kind: 'broken', reason: 'no body' };
        return { kind: 'whole', body: response.body as unknown as AsyncIterable<Uint8Array> };
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
    return { kind: 'refused', error: await graphCallError(response) };
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
