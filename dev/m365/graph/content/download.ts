import { ifNoneMatchHits } from '../http/conditions';
import type { GraphContext } from '../http/context';
import { GraphError, badRequest } from '../http/errors';
import type { Exchange } from '../http/exchange';
import type { FaultOutcome, Faults } from '../faults/faults';
import type { SimState } from '../model/state';
import type { SimDrive, SimItem } from '../model/types';
import { cTagOf, eTagOf } from '../items/serialize';
import { mintDownloadUrl } from './downloadUrl';
import type { TempAuth } from './tempauth';

/**
 * Downloads: `GET .../content` answers 302 to a pre-authenticated URL; that URL serves the bytes
 * (Range → 206), needs no Authorization and expires.
 */
export function contentRedirect(ctx: GraphContext, item: SimItem): void {
    if (item.isFolder) throw badRequest('The item is a folder; folders have no content.');
    if (ifNoneMatchHits(ctx.ex, item)) {
        ctx.ex.sendEmpty(304, { etag: eTagOf(item) });
        return;
    }
    if (item.malware) throw malwareError(item);
    ctx.ex.sendEmpty(302, { location: mintDownloadUrl(ctx.state, ctx.tempAuth, item) });
}

function malwareError(item: SimItem): GraphError {
    return new GraphError(403, 'malwareDetected', 'Malware detected in the file; download is blocked.', undefined, {
        headers: { 'x-virus-infected': item.malware as string },
    });
}

/** The pre-authenticated download URL (SharePoint's download.aspx). */
export function serveDownload(state: SimState, tempAuth: TempAuth, faults: Faults, ex: Exchange): void {
    if (ex.header('authorization') !== undefined) {
        // Graph's guidance: follow the redirect WITHOUT the bearer token.
        state.counters.preauthAuthorization.download++;
        if (state.options.download.rejectAuthorization) {
            throw new GraphError(
                401,
                'unauthenticated',
                'Pre-authenticated URLs must not carry an Authorization header.',
                undefined,
                { casing: 'innererror' },
            );
        }
    }
    const claims = tempAuth.verify(ex.url.searchParams.get('tempauth'), 'download');
    if (!claims)
        throw new GraphError(401, 'unauthenticated', 'Invalid tempauth token.', 'invalidToken', {
            casing: 'innererror',
        });
    if (state.now() >= claims.exp)
        throw new GraphError(401, 'unauthenticated', 'The download URL has expired.', 'expiredToken', {
            casing: 'innererror',
        });
    const item = state.items.get(claims.ref);
    if (!item || item.deletedAt !== undefined)
        throw new GraphError(404, 'itemNotFound', 'The resource could not be found.', undefined, {
            casing: 'innererror',
        });
    const redirect = hopElsewhere(state, ex);
    if (redirect) {
        ex.sendEmpty(302, { location: redirect });
        return;
    }
    const drive = state.drives.get(item.driveId) as SimDrive;
    const outcome = faults.intercept(ex, drive.tenantId);
    if (outcome === 'handled') return;
    if (item.malware) throw malwareError(item);
    if (ifNoneMatchHits(ex, item)) {
        ex.sendEmpty(304, { etag: eTagOf(item) });
        return;
    }
    state.counters.downloads++;
    sendContent(state, ex, item, faults.content.servedContent(item), outcome);
}

/**
 * `options.download.redirectOrigin`: the download URL first answers 302 to the same URL on another
 * origin, as SharePoint's download.aspx can ("a 302 redirect before file download", abraunegg
 * `src/sync.d` download validation notes). A client must check every hop before following it.
 */
function hopElsewhere(state: SimState, ex: Exchange): string | undefined {
    const origin = state.options.download.redirectOrigin;
    if (!origin || ex.url.searchParams.has('hop')) return undefined;
    const next = new URL(`${ex.url.pathname}${ex.url.search}`, origin);
    next.searchParams.set('hop', '1');
    return next.href;
}

/** `content` is what the URL serves: the item's bytes, or an AIP-protected container (contentQuirks.ts). */
function sendContent(state: SimState, ex: Exchange, item: SimItem, content: Buffer, outcome: FaultOutcome): void {
    const total = content.length;
    const headers: Record<string, string> = {
        'content-type': item.mimeType,
        etag: eTagOf(item),
        ctag: cTagOf(item),
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.name)}`,
    };
    const range = state.options.download.ignoreRange ? undefined : parseRange(ex.header('range'), total);
    if (range === 'unsatisfiable') {
        ex.sendBytes(416, Buffer.alloc(0), { 'content-range': `bytes */${total}` });
        return;
    }
    const [status, body] = range ? [206, content.subarray(range.start, range.end + 1)] : [200, content];
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${total}`;
    if (outcome === 'dropMidBody') {
        // Headers and half the body, then a reset: the client sees a truncated transfer.
        ex.res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        ex.res.write(body.subarray(0, Math.floor(body.length / 2)), () => ex.destroy());
        return;
    }
    ex.sendBytes(status, body, headers);
}

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range. Anything else (several ranges, garbage) is
 * ignored and the whole body sent, which Graph documents as allowed.
 */
function parseRange(
    header: string | undefined,
    total: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
    const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
    if (!m || (m[1] === '' && m[2] === '')) return undefined;
    if (m[1] === '') {
        const n = Number(m[2]);
        if (n === 0) return 'unsatisfiable';
        return { start: Math.max(0, total - n), end: total - 1 };
    }
    const start = Number(m[1]);
    if (start >= total) return 'unsatisfiable';
    const end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
    if (end < start) return undefined;
    return { start, end };
}
