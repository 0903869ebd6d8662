import type { DriveRecord } from '../../drives/driveRecord';

/**
 * The length of the library's decoded server-relative path, for the planner's 400-character check
 * (names/checkPath.ts): SharePoint and OneDrive for Business count "the entire decoded file path"
 * from the site on (`/sites/team/Shared Documents/…`, every slash included, `%20` as one character;
 * support article "Restrictions and limitations in OneDrive and SharePoint", m365-quirks.md 9). It
 * comes from the drive's webUrl, recorded when the drive was bound. Consumer OneDrive has no
 * server-relative path (its limit counts from the drive's root): no extra length there.
 */
export function libraryRootPathLength(drive: Pick<DriveRecord, 'graph'>): number | undefined {
    const graph = drive.graph;
    if (!graph?.webUrl || graph.driveType === 'personal') return undefined;
    let path: string;
    try {
        path = decodeURIComponent(new URL(graph.webUrl).pathname).replace(/\/$/, '');
    } catch {
        return undefined;
    }
    // Code points, as the planner counts the rest of the path (never fewer than SharePoint counts).
    return path ? Array.from(path).length : undefined;
}
