import type { Client } from '@microsoft/microsoft-graph-client';
import { DELTA_SELECT, type DeltaItem } from './deltaItem';
import { classifyResync, type ResyncKind } from './resyncError';

/** One answer of `GET /drives/{id}/root/delta`: a page, or "start over" (410). */
export type DeltaResponse =
    | { kind: 'page'; items: DeltaItem[]; nextLink?: string; deltaLink?: string }
    | { kind: 'resync'; reason: ResyncKind; location?: string };

/** A delta call Graph refused; `retryAfterSeconds` is set on 429/503 (after the SDK's own retries). */
export class DeltaRequestError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly requestId?: string,
        readonly retryAfterSeconds?: number,
    ) {
        super(message);
        this.name = 'DeltaRequestError';
    }

    get transient(): boolean {
        return this.status === 429 || this.status >= 500;
    }
}

/** The first call of a full enumeration: no token (never `token=latest`, which skips the crawl). */
export function initialDeltaUrl(graphDriveId: string): string {
    return `/drives/${encodeURIComponent(graphDriveId)}/root/delta?$select=${DELTA_SELECT}&$top=1000`;
}

/**
 * GETs one delta URL (a path, a nextLink, a deltaLink or a 410's Location). The raw response is read
 * so a 410's Location header survives; the SDK's middleware has already honoured Retry-After on
 * 429/503 for its few retries.
 */
export async function fetchDeltaPage(graph: Client, url: string): Promise<DeltaResponse> {
    const { ResponseType } = await import('@microsoft/microsoft-graph-client');
    const response = (await graph.api(url).responseType(ResponseType.RAW).get()) as Response;
    const body = await readJson(response);
    if (response.ok) {
        const page = body as { value?: DeltaItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
        return {
            kind: 'page',
            items: page.value ?? [],
            nextLink: page['@odata.nextLink'],
            deltaLink: page['@odata.deltaLink'],
        };
    }
    if (response.status === 410) {
        return {
            kind: 'resync',
            reason: classifyResync(410, body) ?? 'resyncRequired',
            location: response.headers.get('location') ?? undefined,
        };
    }
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new DeltaRequestError(
        response.status,
        error?.code ?? `http_${response.status}`,
        error?.message ?? `Delta answered ${response.status}.`,
        response.headers.get('request-id') ?? undefined,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : response.status === 429 ? 120 : undefined,
    );
}

async function readJson(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}
