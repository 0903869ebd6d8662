/**
 * Pre-authenticated upload and download URLs are bearer credentials for one file: the service only
 * sends bytes to (or reads bytes from) Microsoft's own hosts, plus hosts the deployment names
 * explicitly (M365_TRUSTED_HOSTS: the simulator locally). A URL elsewhere is refused, not followed.
 */
const MICROSOFT_SUFFIXES = [
    '.sharepoint.com',
    '.sharepoint.us',
    '.sharepoint.cn',
    '.sharepoint-df.com',
    '.files.1drv.com',
    '.livefilestore.com',
    '.1drv.ms',
];
const MICROSOFT_HOSTS = [
    'graph.microsoft.com',
    'graph.microsoft.us',
    'dod-graph.microsoft.us',
    'microsoftgraph.chinacloudapi.cn',
];

export function isTrustedTransferUrl(raw: string, trustedHosts: readonly string[]): boolean {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        return false;
    }
    if (url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    if (trustedHosts.some((h) => h.toLowerCase() === url.host.toLowerCase() || h.toLowerCase() === host)) return true;
    if (url.protocol !== 'https:') return false;
    return MICROSOFT_HOSTS.includes(host) || MICROSOFT_SUFFIXES.some((s) => host.endsWith(s));
}
