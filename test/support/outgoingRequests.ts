import diagnostics from 'node:diagnostics_channel';

export interface OutgoingRequest {
    method: string;
    host: string;
    path: string;
}

/**
 * Records the backend HTTP(S) requests this process sends (Azurite, the Key Vault double, the
 * simulator): tests run the service in-process on the local host, so this is what one request to the
 * service cost. The test's own calls to the host (paths under `ignorePaths`) and the host's queue
 * polling are left out.
 */
export function recordOutgoing(ignorePaths: RegExp): { readonly requests: OutgoingRequest[]; stop(): void } {
    const requests: OutgoingRequest[] = [];
    const onRequest = (message: unknown) => {
        const r = (message as { request: { method?: string; host?: string; path?: string } }).request;
        const path = String(r.path ?? '');
        if (ignorePaths.test(path) || (r.method === 'GET' && /\/messages\b/.test(path))) return;
        requests.push({ method: r.method ?? 'GET', host: String(r.host ?? ''), path });
    };
    diagnostics.subscribe('http.client.request.start', onRequest);
    return { requests, stop: () => diagnostics.unsubscribe('http.client.request.start', onRequest) };
}
