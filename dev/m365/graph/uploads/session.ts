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
    state: 'open' | 'awaitingCommit' | 'committed' | 'cancelled' | 'failed';
}

export type UploadFault =
    /** Keep the fragment's bytes, then answer 503 (or drop the connection): the retry hits 416. */
    | { kind: 'commitThenFail'; count: number; drop?: boolean }
    /** Accept only `bytes` of the next fragment (default: about half, off the 320 KiB grid). */
    | { kind: 'partialAccept'; count: number; bytes?: number }
    /** Report several ranges in nextExpectedRanges on status GETs. */
    | { kind: 'multipleRanges'; count: number };

export const FRAGMENT_QUANTUM = 320 * 1024;
