import type { DriveItem } from './graphApi';
import { discard, HttpDeps, NetworkError, send } from './http';
import { GraphError, readGraphError } from '../graph/graphError';

/**
 * The upload-URL side of a session: PUT a fragment, GET the status, DELETE. Plain fetch with no
 * Authorization header (the URL carries its own tempauth; a bearer there is refused, docs), never
 * following a redirect (the bytes go to the URL Graph handed out, nowhere else), and replies reduced
 * to what the uploader has to decide.
 */
export type SessionReply =
    | { kind: 'accepted'; next: number }
    | { kind: 'done'; item: DriveItem }
    /** The server has a different idea of the offset (416), or we lost the reply (5xx, dropped connection). */
    | { kind: 'resync'; reason: string }
    /** 404 on the status GET: the session expired, was cancelled, or was already committed. */
    | { kind: 'gone' }
    /**
     * 404 on a fragment PUT: the session may be gone, or SharePoint may be busy and the session alive
     * (rclone issue 8545): only its status tells.
     */
    | { kind: 'notFound' }
    /** 401/403 on the upload URL: its tempauth token expired (about 24 h hard limit). */
    | { kind: 'expired' }
    | { kind: 'refused'; error: GraphError };

export async function putFragment(
    http: HttpDeps,
    url: string,
    bytes: Buffer,
    start: number,
    total: number,
): Promise<SessionReply> {
    const headers = {
        'Content-Range': `bytes ${start}-${start + bytes.length - 1}/${total}`,
        'Content-Type': 'application/octet-stream',
    };
    let response: Response;
    try {
        // Never retried here: after a lost reply only the status tells what the server kept.
        response = await send(
            http,
            url,
            { method: 'PUT', body: bytes, headers, redirect: 'manual' },
            { retryServerErrors: false, what: 'upload fragment' },
        );
    } catch (e) {
        if (e instanceof NetworkError) return { kind: 'resync', reason: 'connection lost' };
        throw e;
    }
    if (response.status === 202)
        return { kind: 'accepted', next: firstOffset(await response.json()) ?? start + bytes.length };
    if (response.status === 200 || response.status === 201)
        return { kind: 'done', item: (await response.json()) as DriveItem };
    if (response.status === 404) {
        await discard(response);
        return { kind: 'notFound' };
    }
    return classify(response);
}

export async function sessionStatus(http: HttpDeps, url: string): Promise<SessionReply> {
    const response = await send(
        http,
        url,
        { method: 'GET', redirect: 'manual' },
        { retryServerErrors: true, what: 'upload session status' },
    );
    if (response.ok) {
        const next = firstOffset(await response.json());
        // No expected range left: every byte is in (a deferred commit would be next; we never defer).
        return next === undefined ? { kind: 'resync', reason: 'no ranges' } : { kind: 'accepted', next };
    }
    return classify(response);
}

export async function cancelSession(http: HttpDeps, url: string): Promise<void> {
    try {
        const response = await send(
            http,
            url,
            { method: 'DELETE', redirect: 'manual' },
            { retryServerErrors: true, maxAttempts: 2, what: 'cancel upload session' },
        );
        await discard(response);
    } catch {
        // Best effort: an abandoned session is cleaned up by SharePoint after it expires.
    }
}

async function classify(response: Response): Promise<SessionReply> {
    if (response.status === 416 || response.status >= 500) {
        await discard(response);
        return { kind: 'resync', reason: String(response.status) };
    }
    if (response.status === 404) {
        await discard(response);
        return { kind: 'gone' };
    }
    if (response.status === 401 || response.status === 403) {
        await discard(response);
        return { kind: 'expired' };
    }
    return { kind: 'refused', error: await readGraphError(response) };
}

/** The lowest start among `nextExpectedRanges` ("12345-55232", "77829-"), which may be off the 320 KiB grid. */
function firstOffset(body: unknown): number | undefined {
    const ranges = (body as { nextExpectedRanges?: unknown }).nextExpectedRanges;
    if (!Array.isArray(ranges) || ranges.length === 0) return undefined;
    const starts = ranges.map((r) => Number(String(r).split('-')[0])).filter((n) => Number.isInteger(n) && n >= 0);
    return starts.length ? Math.min(...starts) : undefined;
}
