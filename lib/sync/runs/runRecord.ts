import { createHash } from 'node:crypto';
import type { ItemOutcome, SyncMessage } from '../contracts';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'held';

/** One reconciliation of one drive, as `GET /api/drives/{id}/runs/{runId}` shows it (outcomes apart). */
export interface RunRecord {
    runId: string;
    driveId: string;
    integrationId: string;
    trigger: SyncMessage['trigger'];
    dryRun: boolean;
    status: RunStatus;
    queuedAt: string;
    startedAt?: string;
    finishedAt?: string;
    durationMs?: number;
    /** Milliseconds per phase: lease, fold, delta, platform, baseline, plan, apply, record. */
    timings?: Record<string, number>;
    /** No baseline and no deltaLink yet: nothing was deleted, one-sided items were copied. */
    firstSync?: boolean;
    /** Delta answered 410: a full enumeration where absence proves nothing (graph-sync.md §1.3). */
    resync?: boolean;
    resyncReason?: string;
    delta?: { pages: number; items: number; requests: number; resumed: boolean; orphans: number };
    /** A large first sync is planned and applied in batches of whole folders (engine/firstSyncInBatches.ts). */
    batches?: number;
    /** Entries the platform listing returned; absent when the run did not list (see platformScan). */
    platformEntries?: number;
    /** A listing walked folder by folder (engine/platformDiff.ts): folders listed, and entries that differed from the baseline. */
    platformFolders?: number;
    /** Of those, folders listed as the last listing run found them equal to the baseline: their rows were not read (sync/state/listingDigests.ts). */
    platformFoldersMatched?: number;
    platformChanges?: number;
    /** Why the platform store was listed; absent when the baseline stood for it (nothing written through the API since the last listing). */
    platformScan?:
        | 'first_sync'
        | 'resync'
        | 'remote_listing'
        | 'transfer_skipped'
        | 'manual'
        | 'sweep'
        | 'platform_changed'
        | 'scan_due';
    /** The periodic reconciliation listing: SharePoint enumerated from scratch to find deletes delta did not report. */
    remoteListing?: 'reconcile';
    /**
     * A full listing (reconciliation, resync) read against the stored baseline rather than held:
     * the items it found new or changed, listed deleted, or not listed (remote/listingChanges.ts).
     */
    listingChanges?: number;
    /** The drive now points at another Graph drive than its sync state did: that state was dropped and this run merged as a first sync. */
    rebound?: { from: string; to: string };
    /** Nothing changed on either side: the run loaded no baseline and planned nothing. */
    unchanged?: boolean;
    baselineEntries?: number;
    /** Baseline rows the plan looked at, when the run planned over only what its changes touch (plan/scope.ts). */
    plannedBaselineEntries?: number;
    /** Planned actions per kind. */
    counts?: Record<string, number>;
    /** Per-item outcomes per status. */
    outcomes?: Partial<Record<ItemOutcome['status'], number>>;
    transfersEnqueued?: number;
    /** Finished transfers folded into the baseline before planning. */
    foldedTransfers?: number;
    /** Skipped transfers (a side changed after planning) whose items this run looked at again. */
    replannedTransfers?: number;
    /** Deletes the big-delete guard held for approval (POST /api/drives/{id}/deletes/approve). */
    heldDeletes?: { remote: number; platform: number };
    /** The approval decision this run carried out. */
    deleteDecision?: 'approved' | 'rejected';
    error?: { code: string; message: string; hint?: string; retryable: boolean };
}

/** Newest first in Table Storage: the row key starts with an inverted timestamp. */
export function newRunId(at = Date.now(), suffix = Math.random().toString(36).slice(2, 8)): string {
    const inverted = String(9_999_999_999_999 - at).padStart(13, '0');
    return `run_${inverted}_${suffix}`;
}

/** The same run id for every delivery of one queue message (its id is stable across deliveries). */
export function runIdForDelivery(requestedAt: string, deliveryId: string): string {
    const at = Date.parse(requestedAt);
    const suffix = createHash('sha256').update(deliveryId).digest('hex').slice(0, 8);
    return newRunId(Number.isFinite(at) ? at : 0, suffix);
}
