import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * Counts the Storage requests this process sends to Azurite (each one a billed Storage transaction in
 * Azure; an entity-group transaction is one request), by what it is for. Read from Node's own
 * `http.client.request.start` channel, so nothing in lib/ learns about the bench. The bench's own
 * "is the transfer queue empty yet" polls (Get Queue Metadata) and its reading back of the blobs for
 * verification happen outside the figures (`excluded`).
 */
export interface StorageCounts {
    total: number;
    byOperation: Record<string, number>;
    /** Mean milliseconds from sending a request to the end of its response, per operation. */
    meanMs: Record<string, number>;
}

export class StorageCounter {
    private counts = new Map<string, number>();
    private spent = new Map<string, number>();
    private readonly started = new WeakMap<ClientRequest, { key: string; at: number }>();
    private readonly ports: Map<string, 'blob' | 'queue' | 'table'>;
    private readonly onStart = (message: unknown) => this.count((message as { request: ClientRequest }).request);
    private readonly onFinish = (message: unknown) => this.time((message as { request: ClientRequest }).request);

    constructor(endpoints: { blob: string; queue: string; table: string }) {
        this.ports = new Map(
            (['blob', 'queue', 'table'] as const).map((kind) => [new URL(endpoints[kind]).port, kind] as const),
        );
        subscribe('http.client.request.start', this.onStart);
        subscribe('http.client.response.finish', this.onFinish);
    }

    /** The counts since the last take, and a fresh start. */
    take(): StorageCounts {
        const byOperation = Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
        const meanMs = Object.fromEntries(
            [...this.spent].map(([k, ms]) => [k, Math.round(ms / (this.counts.get(k) ?? 1))] as const),
        );
        this.counts = new Map();
        this.spent = new Map();
        const { excluded: _excluded, ...counted } = byOperation;
        void _excluded;
        return { total: Object.values(counted).reduce((a, b) => a + b, 0), byOperation, meanMs };
    }

    stop(): void {
        unsubscribe('http.client.request.start', this.onStart);
        unsubscribe('http.client.response.finish', this.onFinish);
    }

    private count(request: ClientRequest): void {
        // Node sets the Host header when the request is made; Azurite's three services differ by port.
        const host = request.getHeader('host');
        const kind = typeof host === 'string' ? this.ports.get(host.split(':')[1] ?? '') : undefined;
        if (!kind) return;
        const key = operation(kind, request.method, request.path);
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        this.started.set(request, { key, at: performance.now() });
    }

    private time(request: ClientRequest): void {
        const start = this.started.get(request);
        if (start) this.spent.set(start.key, (this.spent.get(start.key) ?? 0) + performance.now() - start.at);
    }
}

/** What a Storage REST request does, in the words of the Storage REST reference. */
export function operation(kind: 'blob' | 'queue' | 'table', method: string, fullPath: string): string {
    const [path = '', query = ''] = fullPath.split('?');
    const comp = new URLSearchParams(query).get('comp');
    if (kind === 'queue') {
        if (comp === 'metadata') return 'excluded';
        if (/\/messages\/[^/]+$/.test(path))
            return method === 'DELETE' ? 'queue delete message' : 'queue update message';
        if (path.endsWith('/messages'))
            return method === 'POST'
                ? 'queue put message'
                : method === 'GET'
                  ? 'queue get messages'
                  : `queue ${method}`;
        return `queue ${method} ${comp ?? 'queue'}`;
    }
    if (kind === 'blob') {
        if (comp === 'block') return 'blob put block';
        if (comp === 'blocklist') return 'blob put block list';
        if (comp === 'list') return 'blob list';
        if (method === 'HEAD') return 'blob get properties';
        if (method === 'GET') return 'blob get';
        if (method === 'PUT') return comp ? `blob set ${comp}` : 'blob put';
        return `blob ${method}`;
    }
    if (path.endsWith('$batch')) return 'table transaction';
    if (/\(PartitionKey=/.test(path))
        return method === 'GET' ? 'table read entity' : `table ${method === 'DELETE' ? 'delete' : 'write'} entity`;
    if (method === 'POST') return /\/Tables$/.test(path) ? 'table create table' : 'table insert entity';
    if (method === 'GET') return /\/Tables/.test(path) ? 'table list tables' : 'table query entities';
    return `table ${method}`;
}
