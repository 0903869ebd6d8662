import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of one Azurite endpoint that counts requests: the storage
 * operations a sync run costs, measured on the wire whatever the SDK does (batches count once).
 */
export interface CountingProxy {
    url: string;
    count: number;
    stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
    const to = new URL(target);
    const proxy: CountingProxy = { url: '', count: 0, stop: async () => undefined };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const server = http.createServer((req, res) => {
        proxy.count++;
        const upstream = http.request(
            {
                host: to.hostname,
                port: to.port,
                method: req.method,
                path: req.url,
                headers: { ...req.headers, host: to.host },
                agent,
            },
            (r) => {
                res.writeHead(r.statusCode ?? 502, r.headers);
                r.pipe(res);
            },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy.stop = () => new Promise((resolve) => server.close(() => resolve()));
    return proxy;
}

/** Rewrites each *Endpoint of a connection string through a counting proxy. */
export async function proxiedConnectionString(
    connectionString: string,
): Promise<{ connectionString: string; proxies: CountingProxy[] }> {
    const proxies: CountingProxy[] = [];
    const parts = await Promise.all(
        connectionString.split(';').map(async (part) => {
            const m = /^(BlobEndpoint|QueueEndpoint|TableEndpoint)=(https?:\/\/[^/]+)(\/.*)?$/.exec(part);
            if (!m) return part;
            const p = await startCountingProxy(m[2]);
            proxies.push(p);
            return `${m[1]}=${p.url}${m[3] ?? ''}`;
        }),
    );
    return { connectionString: parts.join(';'), proxies };
}
