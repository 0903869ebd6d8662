import { recordMetric } from './telemetry';

/**
 * Graph requests by kind (what they cost in Microsoft's throttling budget differs: delta pages,
 * item reads, upload fragments, downloads…) and status class, counted where they are sent: the Graph
 * client's throttle middleware and the transfer pipeline's `send`.
 */
export function graphRequestKind(url: string): string {
    const { pathname } = new URL(url, 'https://graph.invalid');
    if (/\/uploadSession$/i.test(pathname) && !/createUploadSession$/i.test(pathname)) return 'upload_fragment';
    if (/createUploadSession$/i.test(pathname)) return 'upload_session';
    if (/\/delta(\(|$)/.test(pathname)) return 'delta';
    if (/\/content$/.test(pathname) || /download\.aspx$/i.test(pathname)) return 'download';
    if (/\/subscriptions/.test(pathname)) return 'subscription';
    if (/\/\$batch$/.test(pathname)) return 'batch';
    if (/\/children$/.test(pathname)) return 'children';
    if (/\/sites(\/|$)/.test(pathname) && !/\/drives?\//.test(pathname)) return 'site';
    if (/\/(items|root)(\/|:|$)/.test(pathname)) return 'item';
    if (/\/drives?(\/[^/]+)?$/.test(pathname)) return 'drive';
    if (/\/(me|users)(\/|$)/.test(pathname)) return 'directory';
    return 'other';
}

export function countGraphRequest(url: string, status: number): void {
    const statusClass = status === 429 ? '429' : status === 0 ? 'network' : `${Math.floor(status / 100)}xx`;
    recordMetric('graph.requests', 1, { kind: graphRequestKind(url), status: statusClass });
}
