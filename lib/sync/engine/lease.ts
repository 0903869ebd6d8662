import { restStatus } from '../../storage/restError';
import type { Services } from '../../runtime/services';
import { readDocument, writeDocument, deleteDocument } from '../runs/tableDocument';

/**
 * A per-drive lease in Table Storage, so two syncs of one drive never overlap across instances. Taken
 * and renewed with ETag conditions; it expires on its own, so a crashed holder's lease lapses.
 */
interface LeaseDoc {
    holder: string;
    runId: string;
    expiresAt: number;
}

export interface DriveLease {
    readonly runId: string;
    /** Throws {@link LeaseLostError} once a renewal failed: the run must stop writing. */
    assertHeld(): void;
    release(): Promise<void>;
}

export class LeaseLostError extends Error {
    constructor(driveId: string) {
        super(
            `The sync lease of drive ${driveId} was lost (another instance took it over, or storage did not confirm a renewal in time).`,
        );
        this.name = 'LeaseLostError';
    }
}

export const LEASE_MS = 60_000;
const ROW = 'lease';

/**
 * Takes the lease, or returns the run id of the live holder. A live lease is never taken over, not even
 * by the run that holds it (a second delivery of its message): the first delivery may still be running
 * (its instance lost the message, or the host gave up on it at its timeout while the code went on), and
 * two runs of one drive must never write at once. A dead holder's lease lapses within LEASE_MS.
 */
export async function acquireLease(
    services: Services,
    driveId: string,
    runId: string,
    leaseMs = LEASE_MS,
): Promise<{ lease: DriveLease } | { heldBy: string }> {
    const table = await services.tables.get('syncState');
    const current = await readDocument<LeaseDoc>(table, driveId, ROW);
    const now = Date.now();
    if (current && current.value.expiresAt > now) return { heldBy: current.value.runId };
    const doc: LeaseDoc = { holder: `${process.pid}:${runId}`, runId, expiresAt: now + leaseMs };
    let etag: string;
    try {
        etag = await writeDocument(table, driveId, ROW, doc, current?.etag);
    } catch (e) {
        if ([409, 412].includes(restStatus(e) ?? 0)) {
            const winner = await readDocument<LeaseDoc>(table, driveId, ROW);
            return { heldBy: winner?.value.runId ?? 'unknown' };
        }
        throw e;
    }
    return { lease: holdLease(services, driveId, doc, etag, leaseMs) };
}

/**
 * Renews at a third of the lease so one slow renewal never lets it lapse. One renewal at a time: a
 * renewal slower than the interval (a busy storage account) is not overtaken by another sent with the
 * ETag it is about to replace, which would fail with 412 and give up a lease still held. A renewal
 * that fails is lost only when someone else holds the row now (412/404) or when the lease may have
 * lapsed meanwhile; a transient storage error is retried at the next tick while the lease is still
 * good. `assertHeld` also refuses once the last confirmed expiry has passed, whatever the renewals do.
 */
function holdLease(services: Services, driveId: string, doc: LeaseDoc, firstEtag: string, leaseMs: number): DriveLease {
    let etag = firstEtag;
    let heldUntil = doc.expiresAt;
    let lost = false;
    let renewing: Promise<void> | undefined;
    const renew = async (): Promise<void> => {
        const table = await services.tables.get('syncState');
        const expiresAt = Date.now() + leaseMs;
        etag = await writeDocument(table, driveId, ROW, { ...doc, expiresAt }, etag);
        heldUntil = expiresAt;
    };
    const tick = (): void => {
        if (lost || renewing) return;
        renewing = renew()
            .catch((e: unknown) => {
                const takenOver = restStatus(e) === 412 || restStatus(e) === 404;
                if (takenOver || Date.now() >= heldUntil) lost = true;
            })
            .finally(() => (renewing = undefined));
    };
    const timer = setInterval(tick, Math.max(1000, Math.floor(leaseMs / 3)));
    timer.unref();
    return {
        runId: doc.runId,
        assertHeld() {
            if (lost || Date.now() >= heldUntil) throw new LeaseLostError(driveId);
        },
        async release() {
            clearInterval(timer);
            await renewing;
            if (lost) return;
            const table = await services.tables.get('syncState');
            await deleteDocument(table, driveId, ROW, etag).catch((e: unknown) => {
                if (restStatus(e) !== 412) throw e; // someone took over an expired lease: theirs now
            });
        },
    };
}

/**
 * Takes the drive's lease from whoever holds it, until `until` (removeDrive: the drive is going). A
 * run holding it fails its next renewal (412), so it stops writing at its next checkpoint
 * (`assertHeld`), and its release leaves this lease in place; no run takes the lease before `until`.
 */
export async function seizeLease(services: Services, driveId: string, holder: string, until: number): Promise<void> {
    const doc: LeaseDoc = { holder, runId: holder, expiresAt: until };
    await writeDocument(await services.tables.get('syncState'), driveId, ROW, doc, '*');
}
