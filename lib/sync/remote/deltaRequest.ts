import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError, graphErrorFromBody } from '../../graph/graphError';
import { DELTA_SELECT, type DeltaItem } from './deltaItem';
import { classifyResync, type ResyncKind } from './resyncError';

/** One answer of `GET /drives/{id}/root/delta`: a page, or "start over" (410). */
export type DeltaResponse =
    | { kind: 'page'; items: DeltaItem[]; nextLink?: string; deltaLink?: string }
    | { kind: 'resync'; reason: ResyncKind; location?: string };

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
    const error = graphErrorFromBody(response.status, response.headers, body, `Delta answered ${response.status}.`);
    // A 429 without Retry-After still means "wait": two minutes, not the next timer tick.
    if (error.status === 429 && !error.retryAfterSeconds)
        throw new GraphError(error.status, error.code, error.message, { ...error.detail, retryAfterSeconds: 120 });
    throw error;
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
