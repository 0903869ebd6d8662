import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ensureDevCertificates } from '../tls/devCertificates';

/**
 * A local stand-in for Application Insights' ingestion endpoint (the `IngestionEndpoint` of a
 * connection string), over HTTPS from the dev CA, that keeps what it receives for tests to read.
 * Behaviour, as the Azure Monitor exporter speaks it (@azure/monitor-opentelemetry-exporter,
 * src/generated: `POST {IngestionEndpoint}/v2.1/track`, a JSON array of envelopes; gzip
 * `Content-Encoding` for Microsoft's ingestion hosts, src/platform/nodejs/gzipHttpClient.ts) and as
 * the Breeze ingestion API answers it (200 with `{itemsReceived, itemsAccepted, errors: []}`, the
 * exporter's TrackResponse): every envelope is accepted. It does not check the instrumentation key
 * or Entra ID tokens.
 */
export interface TelemetryEnvelope {
    name: string;
    iKey?: string;
    time?: string;
    tags?: Record<string, string>;
    data?: { baseType?: string; baseData?: Record<string, unknown> };
}

export interface IngestionReceiver {
    /** `https://127.0.0.1:<port>/` */
    endpoint: string;
    envelopes: TelemetryEnvelope[];
    /** Requests that were not telemetry (`METHOD /path`), answered 404. */
    otherRequests: string[];
    close(): Promise<void>;
}

export async function startIngestionReceiver(): Promise<IngestionReceiver> {
    const { certPem, keyPem } = ensureDevCertificates();
    const envelopes: TelemetryEnvelope[] = [];
    const otherRequests: string[] = [];
    const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            const { pathname } = new URL(req.url ?? '/', 'https://receiver.invalid');
            if (req.method !== 'POST' || !/\/v2(\.1)?\/track$/.test(pathname)) {
                otherRequests.push(`${req.method} ${pathname}`);
                res.writeHead(404).end();
                return;
            }
            const raw = Buffer.concat(chunks);
            const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
            // A JSON array, or one envelope per line (the Track API accepts both).
            const received = (
                body.trimStart().startsWith('[')
                    ? JSON.parse(body)
                    : body
                          .split('\n')
                          .filter((l) => l.trim())
                          .map((l) => JSON.parse(l) as unknown)
            ) as TelemetryEnvelope[];
            envelopes.push(...received);
            res.writeHead(200, { 'content-type': 'application/json' }).end(
                JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `https://127.0.0.1:${port}/`,
        envelopes,
        otherRequests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
