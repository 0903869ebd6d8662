/**
 * The contracts between the sync engine (lib/sync/engine), the transfer handler (lib/transfer) and the
 * notification webhook (lib/notifications): queue messages and the transfer journal. Each side owns
 * its code; only these shapes are shared.
 */

/** One message on the sync queue: "reconcile this drive". Duplicates are expected (at-least-once). */
export interface SyncMessage {
    kind: 'sync';
    integrationId: string;
    driveId: string;
    trigger: 'timer' | 'manual' | 'webhook' | 'sweep' | 'retry';
    /** Set for manual syncs: the run id the API already returned. */
    runId?: string;
    /** ISO 8601, when the trigger happened (debouncing compares it with the last run's start). */
    requestedAt: string;
    /** Plan only, apply nothing (dry run). */
    dryRun?: boolean;
}

/** One message on the transfer queue: one file, one direction, with the baseline it expects. */
export interface TransferMessage {
    kind: 'transfer';
    /** Deterministic (run id + action id): a duplicate message maps to the same journal row. */
    transferId: string;
    integrationId: string;
    driveId: string;
    runId: string;
    /** The planner action this transfer carries out. */
    actionId: string;
    direction: 'upload' | 'download';
    /** Path under the drive's prefix in the platform container. */
    platformPath: string;
    remote: {
        /** Existing item to replace (upload) or to read (download). */
        itemId?: string;
        /** For a new item: its drive-relative parent path ('' for the root) and name. */
        parentPath: string;
        name: string;
        /** eTag/cTag the item must still have (412 otherwise: re-plan, never overwrite). */
        ifMatch?: string;
    };
    /** What the source should be; a mismatch means it changed after planning (skip, next sync re-plans). */
    expected: { size: number; quickXorHash?: string; platformETag?: string };
    conflictBehavior: 'replace' | 'fail';
    /**
     * A download that lands the SharePoint version of a conflict beside the platform's (conflictKeepBoth,
     * remote loses): the path the platform version keeps. The change feed calls it a conflict copy.
     */
    conflictCopyOf?: string;
    /** Re-enqueued after a time-budget stop: how many slices ran before. */
    slice?: number;
}

/**
 * Several small files on one queue message (lib/sync/apply/transferBatcher.ts decides which): each
 * keeps its own transfer id, journal row and outcome, so a redelivered batch finds the files already
 * committed (journal `succeeded`) and does only the rest. Large files never travel in a batch.
 */
export interface TransferBatchMessage {
    kind: 'transferBatch';
    integrationId: string;
    driveId: string;
    runId: string;
    transfers: TransferMessage[];
}

export type TransferState = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

/**
 * The transfer journal (table `Transfers`, PartitionKey driveId, RowKey transferId), written by the
 * transfer handler. The next sync folds succeeded rows into the baseline BEFORE planning, so a file
 * copied since the last sync is never mistaken for a change on both sides.
 */
export interface TransferRecord {
    transferId: string;
    driveId: string;
    runId: string;
    actionId: string;
    direction: 'upload' | 'download';
    platformPath: string;
    state: TransferState;
    bytesDone: number;
    bytesTotal: number;
    attempts: number;
    /** On success: the new agreed state of both sides (the server's post-upload hash, after enrichment). */
    result?: {
        remoteId: string;
        remoteETag: string;
        remoteCTag?: string;
        remoteHash?: string;
        remoteSize: number;
        platformETag: string;
        platformSize: number;
        platformHash?: string;
        /** SharePoint rewrote the file after upload (size/hash differ from what was sent). */
        enriched: boolean;
        /**
         * What happened on the way that a person may want to know, with stable codes:
         * `modified_by_sharepoint`, `served_content_differs`, `precondition_retried`, `upload_session_recovered`.
         */
        notes?: { code: string; message: string }[];
    };
    /** On failure or skip: a stable code, the Graph error code and request id when Graph said no. */
    error?: { code: string; message: string; graphCode?: string; requestId?: string; retryable: boolean };
    /** Set by the sync engine once the result is in the baseline. */
    folded?: boolean;
    /** When the first attempt began. */
    startedAt?: string;
    /** The current (or last) attempt: when it began and how many bytes were already done then (resumed), for its rate. */
    attemptStartedAt?: string;
    attemptStartBytes?: number;
    /** When it succeeded, failed or was skipped. */
    finishedAt?: string;
    updatedAt: string;
}

/** Per-item result of a sync run, as the run record lists it ("why didn't X sync?"). */
/** Every status a per-item outcome can have (run detail filters by them). */
export const OUTCOME_STATUSES = ['ok', 'skipped', 'conflict', 'failed', 'retrying', 'held', 'queued'] as const;

export interface ItemOutcome {
    /** Drive-relative path the item has (or would have) on the platform. */
    path: string;
    /** Planner action kind (upload, download, renameRemote, deletePlatform, conflictKeepBoth, skip, …). */
    action: string;
    status: (typeof OUTCOME_STATUSES)[number];
    /** Stable machine code: the planner's reason code, the name rule, or the failure code. */
    code: string;
    message: string;
    /** What a person should do, for skipped and failed items. */
    hint?: string;
    /** The transfer carrying the item's bytes (POST /api/drives/{driveId}/transfers/{transferId}/replay). */
    transferId?: string;
    /** Graph's error code and request id, when Graph refused. */
    graphCode?: string;
    requestId?: string;
}
