import type { Client } from '@microsoft/microsoft-graph-client';

/**
 * The Graph calls of the metadata actions (graph-sync.md §1.5), path-addressed where that saves a
 * lookup. Every write that changes an existing item carries `If-Match`, so a change made after
 * planning gives 412 instead of being overwritten.
 */
export interface RemoteItem {
    id: string;
    name: string;
    eTag: string;
    cTag?: string;
    size?: number;
    file?: { hashes?: { quickXorHash?: string } };
    parentReference?: { id?: string };
}

const SELECT = 'id,name,eTag,cTag,size,file,parentReference';

/** `/drives/{id}/root` or `/drives/{id}/root:/a/b:` (each segment encoded). */
export function itemByPath(driveId: string, path: string): string {
    const base = `/drives/${encodeURIComponent(driveId)}/root`;
    return path === '' ? base : `${base}:/${path.split('/').map(encodeURIComponent).join('/')}:`;
}

export function itemById(driveId: string, id: string): string {
    return `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(id)}`;
}

export async function getRemoteItem(graph: Client, driveId: string, id: string): Promise<RemoteItem> {
    return (await graph.api(itemById(driveId, id)).select(SELECT).get()) as RemoteItem;
}

/** Creates a folder; `fail` makes a name taken meanwhile a 409 rather than a silent merge or rename. */
export async function createRemoteFolder(
    graph: Client,
    driveId: string,
    parentPath: string,
    name: string,
): Promise<RemoteItem> {
    return (await graph
        .api(`${itemByPath(driveId, parentPath)}/children`)
        .post({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as RemoteItem;
}

/** Renames and/or moves by id. Moving to the root needs the root's real id, never "root" (§1.5). */
export async function patchRemoteItem(
    graph: Client,
    driveId: string,
    id: string,
    ifMatch: string | undefined,
    change: { name?: string; parentPath?: string },
): Promise<RemoteItem> {
    const body: Record<string, unknown> = {};
    if (change.name !== undefined) body.name = change.name;
    if (change.parentPath !== undefined) {
        const parent = (await graph.api(itemByPath(driveId, change.parentPath)).select('id').get()) as { id: string };
        body.parentReference = { id: parent.id };
    }
    let request = graph.api(itemById(driveId, id));
    if (ifMatch) request = request.header('If-Match', ifMatch);
    return (await request.patch(body)) as RemoteItem;
}

/** Deletes to the recycle bin (204). */
export async function deleteRemoteItem(
    graph: Client,
    driveId: string,
    id: string,
    ifMatch: string | undefined,
): Promise<void> {
    let request = graph.api(itemById(driveId, id));
    if (ifMatch) request = request.header('If-Match', ifMatch);
    await request.delete();
}
