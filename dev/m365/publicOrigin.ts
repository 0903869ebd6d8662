import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The host name a request arrived on, so URLs the simulator hands back point where a client can follow
 * them. The service reaches the simulator as `localhost:PORT` (its M365_* settings) and keeps getting
 * localhost URLs. Third-party Graph clients reach it as Microsoft's own hosts through the peers' proxy
 * (dev/peers/microsoftProxy): they get links on graph.microsoft.com and, as in production, upload and
 * download URLs on the drive's SharePoint host (`contoso-my.sharepoint.com`, from the drive's webUrl):
 * "the response redirects to a pre-authenticated download URL" on SharePoint's own `download.aspx`, and
 * an upload session's `uploadUrl` is on the storage host of the drive, not on Graph
 * (https://learn.microsoft.com/graph/api/driveitem-get-content, .../driveitem-createuploadsession).
 */
const arrivalHost = new AsyncLocalStorage<string>();

export function withArrivalHost<T>(hostHeader: string | undefined, run: () => T): T {
    return arrivalHost.run((hostHeader ?? '').toLowerCase(), run);
}

/** Whether the current request came in as one of Microsoft's host names (port 443, through the proxy). */
export function arrivedAsMicrosoft(): boolean {
    const host = arrivalHost.getStore() ?? '';
    return (
        host === 'graph.microsoft.com' ||
        host === 'login.microsoftonline.com' ||
        /^[a-z0-9-]+\.sharepoint\.com$/.test(host)
    );
}

/** Origin for Graph links (nextLink, deltaLink): Graph's own when the client came as Microsoft's host. */
export function graphOrigin(localOrigin: string): string {
    return arrivedAsMicrosoft() ? 'https://graph.microsoft.com' : localOrigin;
}

/** Origin for pre-authenticated content URLs: the drive's SharePoint host when the client came as Microsoft's. */
export function contentOrigin(localOrigin: string, driveWebUrl: string | undefined): string {
    if (!arrivedAsMicrosoft() || !driveWebUrl) return localOrigin;
    return `https://${new URL(driveWebUrl).host}`;
}
