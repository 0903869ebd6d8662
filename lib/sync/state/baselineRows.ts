import { tableKey } from '../../storage/tables';
import type { BaselineEntry } from '../plan/types';

/** The baseline as Table Storage rows (baselineStore.ts), shared by the item rows and their path index. */
// A mapped type (not the interface itself) so it fits the SDK's `Record<string, unknown>` entities.
export type BaselineRow = { partitionKey: string; rowKey: string } & { [K in keyof BaselineEntry]: BaselineEntry[K] };

export function toRow(driveId: string, e: BaselineEntry): BaselineRow {
    // Table storage has no 'undefined': optional fields are simply left out.
    const row: BaselineRow = {
        partitionKey: driveId,
        rowKey: tableKey(e.remoteId),
        remoteId: e.remoteId,
        platformPath: e.platformPath,
        isFolder: e.isFolder,
        remoteETag: e.remoteETag,
        remoteSize: e.remoteSize,
        platformSize: e.platformSize,
    };
    if (e.remoteCTag !== undefined) row.remoteCTag = e.remoteCTag;
    if (e.remoteHash !== undefined) row.remoteHash = e.remoteHash;
    if (e.platformETag !== undefined) row.platformETag = e.platformETag;
    if (e.platformHash !== undefined) row.platformHash = e.platformHash;
    return row;
}

export function toEntry(row: BaselineRow): BaselineEntry {
    const entry: BaselineEntry = {
        remoteId: row.remoteId,
        platformPath: row.platformPath,
        isFolder: row.isFolder,
        remoteETag: row.remoteETag,
        remoteSize: Number(row.remoteSize),
        platformSize: Number(row.platformSize),
    };
    if (row.remoteCTag) entry.remoteCTag = row.remoteCTag;
    if (row.remoteHash) entry.remoteHash = row.remoteHash;
    if (row.platformETag) entry.platformETag = row.platformETag;
    if (row.platformHash) entry.platformHash = row.platformHash;
    return entry;
}
