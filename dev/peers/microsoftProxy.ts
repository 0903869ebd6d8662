import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A local HTTP forward proxy that makes the Microsoft 365 simulator answer as Microsoft's hosts, so
 * Graph clients nobody here wrote (rclone, the OneDrive client for Linux) run unmodified against it:
 * they honour HTTPS_PROXY and send `CONNECT graph.microsoft.com:443`, and this proxy tunnels the bytes
 * to the simulator's HTTPS port, whose certificate (dev/tls) also names those hosts. TLS stays
 * end-to-end between the client and the simulator; the proxy never sees a token.
 *
 * Only Microsoft's names are tunnelled; any other host (the OneDrive client asks api.github.com for
 * its latest version) and any plain-HTTP request get 403, so nothing leaves the machine.
 */
export interface MicrosoftProxyOptions {
    /** The simulator's HTTPS port on loopback. */
    simulatorPort: number;
    simulatorHost?: string;
    /** 0 (the default) picks a free port. */
    port?: number;
}

export interface MicrosoftProxy {
    /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
    url: string;
    port: number;
    /** Tunnels opened, per host (what a client reached). */
    readonly tunnels: ReadonlyMap<string, number>;
    /** Hosts refused (CONNECT authorities or plain-HTTP targets), in order. */
    readonly refused: readonly string[];
    stop(): Promise<void>;
}

const MICROSOFT_HOSTS = new Set(['graph.microsoft.com', 'login.microsoftonline.com']);

/** Whether `host:port` is one the simulator plays: Graph, Entra, or a SharePoint host, on 443. */
export function isTunnelledAuthority(authority: string): boolean {
    const match = /^([a-z0-9.-]+):(\d+)$/i.exec(authority);
    if (!match || match[2] !== '443') return false;
    const host = match[1]!.toLowerCase();
    // One label before .sharepoint.com, as the certificate's wildcard covers (contoso, contoso-my).
    return MICROSOFT_HOSTS.has(host) || /^[a-z0-9-]+\.sharepoint\.com$/.test(host);
}

export async function startMicrosoftProxy(options: MicrosoftProxyOptions): Promise<MicrosoftProxy> {
    const simulatorHost = options.simulatorHost ?? '127.0.0.1';
    const tunnels = new Map<string, number>();
    const refused: string[] = [];
    const open = new Set<Socket>();

    const server: Server = createServer((req, res) => {
        refused.push(req.headers.host ?? req.url ?? '');
        res.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' });
        res.end('This proxy only tunnels (CONNECT) to Microsoft hosts played by the simulator.\n');
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
        const authority = req.url ?? '';
        open.add(client);
        client.on('close', () => open.delete(client));
        client.on('error', () => client.destroy());
        if (!isTunnelledAuthority(authority)) {
            refused.push(authority);
            client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
            return;
        }
        const host = authority.slice(0, authority.lastIndexOf(':')).toLowerCase();
        tunnels.set(host, (tunnels.get(host) ?? 0) + 1);
        const upstream = connect(options.simulatorPort, simulatorHost, () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            if (head.length > 0) upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        open.add(upstream);
        upstream.on('close', () => {
            open.delete(upstream);
            client.destroy();
        });
        upstream.on('error', () => {
            if (!client.writableEnded) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
        });
        client.on('close', () => upstream.destroy());
    });

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        tunnels,
        refused,
        stop: () =>
            new Promise<void>((resolve) => {
                for (const socket of open) socket.destroy();
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
