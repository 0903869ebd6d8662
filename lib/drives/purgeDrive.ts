import type { Services } from '../runtime/services';
import { deleteRowsInChunks, type DeleteBudget } from '../storage/partitions';
import { STALE_MS } from '../sync/engine/schedule';
import { driveExists } from './driveRepository';
import { driveStateStores } from './driveStateStores';
import { dropPendingPurge, listPendingPurges, type PendingPurge } from './pendingPurges';

/**
 * How long a removed drive's state is left alone before the purge starts: the function timeout and a
 * margin (the schedule's STALE_MS). A sync that was running when its drive was removed lost its lease
 * then (removeDrive seizes it) and stops writing at its next checkpoint; whatever it was writing
 * between two checkpoints, its invocation has ended by now, so nothing writes the state back after
 * the purge. Messages still queued for the drive write nothing: runSync and the transfer handler find
 * no drive record.
 */
export const PURGE_GRACE_MS = STALE_MS;

/** What the hourly maintenance timer gives the purge per invocation (the rest waits for the next hour). */
export const PURGE_BUDGET = { ms: 5 * 60_000 };

export function purgeBudget(limits: { ms?: number; rows?: number }): DeleteBudget {
    const deadline = Date.now() + (limits.ms ?? Infinity);
    let rows = limits.rows ?? Infinity;
    return {
        left: () => (Date.now() < deadline ? Math.max(0, rows) : 0),
        spend: (n) => void (rows -= n),
    };
}

export interface PurgeSummary {
    /** Drives whose state is now gone entirely (their pending mark dropped). */
    purged: string[];
    rowsDeleted: number;
    /** Removed too recently: left for a later invocation. */
    waiting: number;
    /** Stopped by the budget with work left (continued by the next invocation). */
    unfinished: number;
}

/**
 * The purge step of the maintenance timer: deletes removed drives' sync state (driveStateStores.ts)
 * in chunks of at most 100 rows while the budget lasts. It keeps no position: each chunk is queried
 * afresh, so an invocation killed at any line, or cut short by its budget, is continued by the next,
 * and running it twice (or twice at once) deletes nothing it should not. A drive's pending mark goes
 * last, after its alerts are resolved and its account's tokens released (unless another drive uses
 * the account): a removal killed after deleting the drive record is finished here.
 *
 * Decision: run records and outcomes go too. They are reachable only through the drive's routes,
 * which answer 404 once it is removed, so keeping them would keep rows nobody can read; who removed
 * the drive, and when, is in the audit trail, and its alerts stay (resolved) for their retention.
 */
export async function purgeRemovedDrives(
    services: Services,
    options: { budget?: DeleteBudget; now?: number } = {},
): Promise<PurgeSummary> {
    const budget = options.budget ?? purgeBudget(PURGE_BUDGET);
    const now = options.now ?? Date.now();
    const summary: PurgeSummary = { purged: [], rowsDeleted: 0, waiting: 0, unfinished: 0 };
    for (const mark of await listPendingPurges(services)) {
        if (now - Date.parse(mark.removedAt) < PURGE_GRACE_MS) {
            summary.waiting++;
            continue;
        }
        if (budget.left() <= 0) {
            summary.unfinished++;
            continue;
        }
        if (await driveExists(await services.tables.get('drives'), mark.integrationId, mark.driveId)) {
            // The removal died before the drive record went: the drive lives on, and so does its state.
            await dropPendingPurge(services, mark.driveId);
            continue;
        }
        const { deleted, finished } = await purgeDrive(services, mark.driveId, budget);
        summary.rowsDeleted += deleted;
        if (!finished) {
            summary.unfinished++;
            continue;
        }
        await finishRemoval(services, mark);
        await dropPendingPurge(services, mark.driveId);
        summary.purged.push(mark.driveId);
    }
    return summary;
}

/** Deletes the drive's state store by store, while the budget lasts; `finished` once every store is empty. */
export async function purgeDrive(
    services: Services,
    driveId: string,
    budget: DeleteBudget,
): Promise<{ deleted: number; finished: boolean }> {
    let deleted = 0;
    for (const slice of await driveStateStores(services, driveId)) {
        const result = await deleteRowsInChunks(await services.tables.get(slice.table), slice.filter, budget);
        deleted += result.deleted;
        if (!result.finished) return { deleted, finished: false };
    }
    return { deleted, finished: true };
}

/** What removeDrive does after deleting the record, again (idempotent): a removal killed there is finished here. */
async function finishRemoval(services: Services, mark: PendingPurge): Promise<void> {
    if (mark.homeAccountId)
        await (
            await import('../auth/tokenCache/releaseAccount')
        ).releaseAccountIfUnused(services, mark.integrationId, mark.homeAccountId);
    await resolveRemovedDriveAlerts(services, mark.driveId);
}

/** Resolves every alert about the drive (its key names it, or it is the subject): nothing is left to act on. */
export async function resolveRemovedDriveAlerts(services: Services, driveId: string): Promise<void> {
    const { resolveAlerts } = await import('../alerts');
    await resolveAlerts(
        services,
        (a) => a.key.split(':').includes(driveId) || a.subject.id === driveId,
        'The drive was removed.',
    );
}
