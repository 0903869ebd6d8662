import type { ConflictBehavior } from '../items/operations';
import type { IdentitySet } from '../model/types';

/** A resumable upload session (driveItem: createUploadSession) and the faults aimed at it. */
export interface UploadSession {
    id: string;
    tenantId: string;
    driveId: string;
    /** Path-addressed sessions create or replace `name` in `parentId`; id-addressed ones replace. */
    parentId: string;
    name: string;
    targetItemId?: string;
    conflictBehavior: ConflictBehavior;
    declaredSize?: number;
    fsCreatedAt?: number;
    fsModifiedAt?: number;
    description?: string;
    deferCommit: boolean;
    by: IdentitySet;
    chunks: Buffer[];
    received: number;
    /** The `/T` of the first Content-Range; every fragment must repeat it. */
    total?: number;
    createdAt: number;
    expiresAt: number;
    tempauthExpiresAt: number;
    /** A non-final fragment ended off a 320 KiB boundary ("errors committing some files"). */
    unaligned: boolean;
    /** Created with an If-Match header (the last fragment can then meet a spurious 412). */
    ifMatch: boolean;
    /**
     * The last fragment got a spurious 412: its bytes are kept but never committed, so a retry of it
     * answers 416 and the status lists no range left (abraunegg `src/onedrive.d`: 412, then 416).
     */
    preconditionFailed?: boolean;
    state: 'open' | 'awaitingCommit' | 'committed' | 'cancelled' | 'failed';
}

export type UploadFault =
    /** Keep the fragment's bytes, then answer 503 (or drop the connection): the retry hits 416. */
    | { kind: 'commitThenFail'; count: number; drop?: boolean }
    /** Accept only `bytes` of the next fragment (default: about half, off the 320 KiB grid). */
    | { kind: 'partialAccept'; count: number; bytes?: number }
    /** Report several ranges in nextExpectedRanges on status GETs. */
    | { kind: 'multipleRanges'; count: number }
    /** Answer the next fragment PUTs 404 itemNotFound while the session lives (rclone issue 8545). */
    | { kind: 'transient404'; count: number }
    /**
     * Answer 412 although the If-Match matched (onedrive-api-docs issue 1716): on createUploadSession,
     * PATCH, or the last fragment of a session created with If-Match (default: whichever comes first).
     */
    | { kind: 'spurious412'; count: number; on?: ('createUploadSession' | 'patch' | 'lastFragment')[] };

export const FRAGMENT_QUANTUM = 320 * 1024;
