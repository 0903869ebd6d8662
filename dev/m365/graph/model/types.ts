/**
 * The simulator's in-memory model of SharePoint sites, drives and items. Times are epoch ms on the
 * simulated clock; everything shaped for the wire lives in items/serialize.ts.
 */

export type DriveType = 'personal' | 'business' | 'documentLibrary';

/** Graph's identitySet, reduced to what drive items carry. */
export interface IdentitySet {
    user?: { id: string; displayName: string; email?: string };
    application?: { id: string; displayName: string };
}

export type SiteRole = 'read' | 'write';

export interface SimSite {
    id: string;
    tenantId: string;
    hostname: string;
    /** Server-relative path, e.g. `/sites/intranet`. */
    path: string;
    name: string;
    displayName: string;
    description: string;
    createdAt: number;
    /** Site members (delegated access). */
    members: Map<string, SiteRole>;
    /** Sites.Selected grants, created through the API (the admin's `POST /sites/{id}/permissions`). */
    appGrants: Map<string, SiteRole>;
    driveIds: string[];
}

export interface SimDrive {
    id: string;
    tenantId: string;
    driveType: DriveType;
    name: string;
    description: string;
    siteId?: string;
    ownerUserId?: string;
    rootId: string;
    createdAt: number;
    webUrl: string;
    quotaTotal: number;
    /** Delta change sequence: every change stamps the item with ++seq. */
    seq: number;
    /** (seq, time) pairs, so a `token=<timestamp>` can be mapped to a sequence number. */
    seqLog: { seq: number; at: number }[];
    /** Bumped to invalidate every outstanding delta token (410 resync). */
    tokenEpoch: number;
}

export interface SimItem {
    id: string;
    driveId: string;
    /** undefined for the root. */
    parentId?: string;
    name: string;
    isFolder: boolean;
    content: Buffer;
    quickXorHash: string;
    mimeType: string;
    /** Stable per item, the `{GUID}` part of eTag and cTag. */
    guid: string;
    eTagVersion: number;
    cTagVersion: number;
    versions: number;
    createdAt: number;
    modifiedAt: number;
    fsCreatedAt: number;
    fsModifiedAt: number;
    createdBy: IdentitySet;
    modifiedBy: IdentitySet;
    description?: string;
    /** Delta sequence of the last change. */
    seq: number;
    /** Set when the item went to the recycle bin. */
    deletedAt?: number;
    /** Virus name; downloads are blocked with 403 and the `malware` facet is shown. */
    malware?: string;
    /** "Lying metadata": what listings claim, while downloads serve the real bytes. */
    reported?: { size: number; quickXorHash: string };
    /** Deleting this (non-empty) folder fails with 403, as under a retention hold. */
    retentionHold?: boolean;
    /** Writes fail with 423 Locked. */
    checkedOut?: boolean;
    /**
     * A package (`package.type`, e.g. `oneNote` for a OneNote notebook): a container like a folder
     * (`isFolder` is true here), shown with the `package` facet and no `folder` facet (package.md).
     */
    packageType?: string;
    /** Listed without `file.hashes` (OneNote `.one` / `.onetoc2`, some SharePoint items: abraunegg `src/sync.d`). */
    hashless?: boolean;
    /** A shortcut ("Add shortcut to My files" / "Add to my OneDrive"): an item pointing at an item of another drive. */
    remote?: ShortcutTarget;
    /** Its delete is never reported by delta (a dropped tombstone: onedrive-api-docs#1927). */
    tombstoneDropped?: boolean;
}

/** What a shortcut's `remoteItem` facet describes (remoteitem.md). */
export interface ShortcutTarget {
    driveId: string;
    driveType: DriveType;
    id: string;
    name: string;
    isFolder: boolean;
    size: number;
    webUrl: string;
}
