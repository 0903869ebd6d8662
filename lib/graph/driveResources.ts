import type { Client } from '@microsoft/microsoft-graph-client';

/** The few drive and site shapes the setup journey reads (Graph v1.0, $select'ed to what is used). */
export interface GraphDrive {
    id: string;
    name: string;
    driveType: string;
    webUrl?: string;
    owner?: { user?: { id?: string; displayName?: string } };
}

export interface GraphSite {
    id: string;
    name?: string;
    displayName?: string;
    webUrl?: string;
}

const DRIVE_FIELDS = 'id,name,driveType,webUrl,owner';
const SITE_FIELDS = 'id,name,displayName,webUrl';

export function getMyDrive(client: Client): Promise<GraphDrive> {
    return client.api('/me/drive').select(DRIVE_FIELDS).get() as Promise<GraphDrive>;
}

export function getDriveById(client: Client, driveId: string): Promise<GraphDrive> {
    return client
        .api(`/drives/${encodeURIComponent(driveId)}`)
        .select(DRIVE_FIELDS)
        .get() as Promise<GraphDrive>;
}

export async function searchSites(client: Client, query: string): Promise<GraphSite[]> {
    const page = (await client.api('/sites').query({ search: query }).select(SITE_FIELDS).get()) as {
        value: GraphSite[];
    };
    return page.value;
}

export function getSite(client: Client, siteId: string): Promise<GraphSite> {
    return client
        .api(`/sites/${encodeURIComponent(siteId)}`)
        .select(SITE_FIELDS)
        .get() as Promise<GraphSite>;
}

export async function listSiteDrives(client: Client, siteId: string): Promise<GraphDrive[]> {
    const page = (await client
        .api(`/sites/${encodeURIComponent(siteId)}/drives`)
        .select(DRIVE_FIELDS)
        .get()) as { value: GraphDrive[] };
    return page.value;
}
