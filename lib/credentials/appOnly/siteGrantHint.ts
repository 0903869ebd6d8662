/** How an admin grants one site to the app (the grant itself needs Sites.FullControl.All, usually a script). */
export function siteGrantHint(siteId: string, clientId: string): string {
    return `Grant the app access to this site: POST https://graph.microsoft.com/v1.0/sites/${siteId}/permissions with {"roles":["write"],"grantedToIdentities":[{"application":{"id":"${clientId}"}}]} (needs Sites.FullControl.All, e.g. from an admin script), or Grant-PnPAzureADAppSitePermission. The app registration needs the application permission Sites.Selected with admin consent.`;
}
