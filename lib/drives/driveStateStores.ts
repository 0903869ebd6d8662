import { odata } from '@azure/data-tables';
import { feedPartition, FEEDS_PARTITION } from '../changes/changeLog';
import { PARTITION as NOTIFICATIONS } from '../notifications/subscriptionRecords';
import type { Services } from '../runtime/services';
import { tableKey, type TableKey } from '../storage/tables';
import { SCHEDULE_PARTITION } from '../sync/engine/schedule';
import { layoutOf, NEW_DRIVE_BUCKETS, readLayout } from '../sync/state/baselineLayout';
import { listingPartitionOf } from '../sync/state/listingDigests';

/** Rows of one table that belong to a removed drive: what purgeDrive.ts deletes, slice by slice. */
export interface StateSlice {
    table: TableKey;
    /** What the rows are (the report, and a reader of this list). */
    what: string;
    /** OData filter selecting the drive's rows and nothing else. */
    filter: string;
}

/**
 * Every row the service keeps for a drive, in the order the purge deletes them. A store keyed by
 * drive id that is not here outlives its drive: a new one belongs here (test/drives/purgeDrive.test.ts
 * scans every table for a purged drive's id). Not here, on purpose: the drive record and its account's
 * tokens (removeDrive deletes them), the audit trail, alerts (resolved, then kept RESOLVED_RETENTION_DAYS
 * like every alert), connect tickets (they expire), and anything in the platform's blob container or
 * in Microsoft 365: removal keeps the files on both sides.
 *
 * Partitions named `<drive id>.<something>` (page journal, staging, outcomes) are one key range,
 * `<id>.` to `<id>/` ('/' follows '.'): drive ids hold no '.', so no other drive's partition is in it.
 */
export async function driveStateStores(services: Services, driveId: string): Promise<StateSlice[]> {
    const dotted = odata`PartitionKey gt ${`${driveId}.`} and PartitionKey lt ${`${driveId}/`}`;
    const partition = (key: string) => odata`PartitionKey eq ${key}`;
    const row = (partitionKey: string, rowKey: string) =>
        odata`PartitionKey eq ${partitionKey} and RowKey eq ${rowKey}`;
    // Every bucket the drive's layout names, and every bucket a new drive would use (clearBaseline does the same).
    const { layout } = await readLayout(services, driveId);
    const buckets = new Set([...layout.partitions, ...layoutOf(driveId, NEW_DRIVE_BUCKETS).partitions]);
    buckets.delete(driveId);
    return [
        // First, so the delivery and retention timers stop visiting the feed (they would write its head again).
        { table: 'changes', what: 'change feed listing', filter: row(FEEDS_PARTITION, feedPartition(driveId)) },
        { table: 'changes', what: 'change feed', filter: partition(feedPartition(driveId)) },
        { table: 'subscriptions', what: 'notification state', filter: row(NOTIFICATIONS.drive, tableKey(driveId)) },
        { table: 'subscriptions', what: 'webhook debounce', filter: row(NOTIFICATIONS.request, tableKey(driveId)) },
        { table: 'syncState', what: 'schedule entry', filter: row(SCHEDULE_PARTITION, driveId) },
        { table: 'transfers', what: 'transfer journal', filter: partition(tableKey(driveId)) },
        { table: 'syncOutcomes', what: 'run outcomes and conflict inbox', filter: dotted },
        { table: 'syncRuns', what: 'run records', filter: partition(driveId) },
        { table: 'syncStaging', what: 'first-sync staging', filter: dotted },
        { table: 'syncDelta', what: 'delta page journals', filter: dotted },
        { table: 'baselines', what: 'listing digests', filter: partition(listingPartitionOf(driveId)) },
        ...[...buckets].map((b): StateSlice => ({ table: 'baselines', what: 'baseline', filter: partition(b) })),
        // After the buckets: the home partition holds the meta row that names them.
        { table: 'baselines', what: 'baseline home (count, layout, Graph binding)', filter: partition(driveId) },
        // Last: the cursor, the held-delete decision, the platform change mark and the lease.
        { table: 'syncState', what: 'cursor, lease, held deletes, platform mark', filter: partition(driveId) },
    ];
}
