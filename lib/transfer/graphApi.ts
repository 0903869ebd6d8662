import { failed, retryLater, skipped } from './errors';
import { HttpDeps, send } from './http';
import { isTrustedTransferUrl } from './trustedHosts';
import { GraphError, readGraphError } from '../graph/graphError';

/**
 * The few Graph calls a transfer makes, over plain fetch (not the SDK, whose own retry handler would
 * bypass the shared throttle gate): read an item, create an upload session, simple PUT.
 */
export interface DriveItem {
    id: string;
    name: string;
    eTag: string;
    cTag?: string;
    size: number;
    file?: { hashes?: { quickXorHash?: string } };
    folder?: unknown;
    malware?: { description?: string };
    fileSystemInfo?: { lastModifiedDateTime?: string };
    '@microsoft.graph.downloadUrl'?: string;
}

/** An existing item, or a new one by its drive-relative parent path and name. */
export type ItemTarget = { itemId: string } | { parentPath: string; name: string };

export interface UploadSessionInfo {
    uploadUrl: string;
    expirationDateTime?: string;
    nextExpectedRanges?: string[];
}

export class GraphApi {
    constructor(
        private readonly http: HttpDeps,
        private readonly baseUrl: string,
        private readonly graphDriveId: string,
        private readonly getToken: () => Promise<string>,
        private readonly trustedHosts: readonly string[],
    ) {}

    async getItem(target: ItemTarget): Promise<DriveItem | undefined> {
        const response = await this.call('GET', this.address(target, ''), 'get item');
        if (response.status === 404) return undefined;
        if (!response.ok) throw await readGraphError(response);
        return (await response.json()) as DriveItem;
    }

    async createUploadSession(
        target: ItemTarget,
        item: Record<string, unknown>,
        ifMatch?: string,
    ): Promise<UploadSessionInfo> {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (ifMatch) headers['If-Match'] = ifMatch;
        const response = await this.call(
            'POST',
            this.address(target, 'createUploadSession'),
            'create upload session',
            JSON.stringify({ item }),
            headers,
        );
        if (!response.ok) throw await readGraphError(response);
        const session = (await response.json()) as UploadSessionInfo;
        if (typeof session.uploadUrl !== 'string' || !isTrustedTransferUrl(session.uploadUrl, this.trustedHosts)) {
            throw failed(
                'untrusted_upload_url',
                "Graph returned an upload URL on a host that is not Microsoft's (nor a configured trusted host).",
            );
        }
        return session;
    }

    /** Simple upload (empty files: sessions need a size above zero). */
    async putContent(
        target: ItemTarget,
        body: Uint8Array,
        conflictBehavior: string,
        ifMatch?: string,
    ): Promise<DriveItem> {
        const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
        if (ifMatch) headers['If-Match'] = ifMatch;
        const query = 'itemId' in target ? '' : `?@microsoft.graph.conflictBehavior=${conflictBehavior}`;
        const response = await this.call(
            'PUT',
            `${this.address(target, 'content')}${query}`,
            'simple upload',
            body,
            headers,
        );
        if (!response.ok) throw await readGraphError(response);
        return (await response.json()) as DriveItem;
    }

    private async call(
        method: string,
        path: string,
        what: string,
        body?: RequestInit['body'],
        headers: Record<string, string> = {},
    ): Promise<Response> {
        const token = await this.getToken();
        return send(
            this.http,
            `${this.baseUrl}${path}`,
            { method, body, headers: { ...headers, Authorization: `Bearer ${token}` } },
            { retryServerErrors: true, what },
        );
    }

    private address(target: ItemTarget, action: string): string {
        const drive = `/drives/${encodeURIComponent(this.graphDriveId)}`;
        if ('itemId' in target)
            return `${drive}/items/${encodeURIComponent(target.itemId)}${action ? `/${action}` : ''}`;
        const segments = [...target.parentPath.split('/'), target.name]
            .filter((s) => s.length > 0)
            .map(encodeURIComponent);
        return `${drive}/root:/${segments.join('/')}:${action ? `/${action}` : ''}`;
    }
}

/** Maps a Graph refusal that no retry can fix to the transfer's outcome; anything else is retried. */
export function classifyGraphError(e: GraphError): Error {
    const graph = { status: e.status, code: e.code, requestId: e.requestId };
    if (e.status === 412)
        return skipped(
            'precondition_failed',
            'The item changed after the sync planned this transfer; the next sync re-plans it.',
            graph,
        );
    // The item (or its folder) is gone since planning: retrying cannot help, re-planning can.
    if (e.status === 404)
        return skipped(
            'target_missing',
            'The SharePoint item or its folder no longer exists; the next sync re-plans this file.',
            graph,
        );
    if (e.status === 409 && e.has('nameAlreadyExists'))
        return skipped('name_conflict', 'An item with this name appeared meanwhile; the next sync re-plans it.', graph);
    if (e.status === 507 || e.has('quotaLimitReached'))
        return failed('quota_exceeded', 'The drive has no room for this file (507 quota).', graph);
    if (e.status === 413 || e.has('maxFileSizeExceeded'))
        return failed('too_large', 'Graph refused the size of this file or fragment (413).', graph);
    if (e.status === 423) return skipped('locked', 'The file is checked out or locked in SharePoint.', graph);
    if (e.status === 403 && e.has('malwareDetected'))
        return failed('malware_detected', 'Microsoft flagged this file as malware; it is not transferred.', graph);
    if (e.status === 401 || e.status === 403)
        return retryLater('access_denied', `Graph refused access (${e.status} ${e.code}).`, graph);
    if (e.status === 400) return failed('invalid_request', `Graph rejected the request (${e.code}).`, graph);
    return retryLater('graph_error', `Graph answered ${e.status} ${e.code}.`, graph);
}
