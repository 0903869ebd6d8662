import type { TableClient } from '@azure/data-tables';
import { restStatus } from '../storage/restError';
import { tableKey } from '../storage/tables';

/**
 * The hourly health check, spread over the hour: the `driveHealth` timer runs every SLOT_MINUTES, and
 * each run checks the drives whose slot of the hour (lib/notifications/spread.ts, hourlySlot) is due,
 * so every drive is still checked once an hour, and 10,000 drives make about 830 checks every five
 * minutes instead of 10,000 in one run longer than the function timeout.
 */
export const HEALTH_WORK = 'health';
export const SLOT_MINUTES = 5;
export const SLOTS_PER_HOUR = 60 / SLOT_MINUTES;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The absolute slot number of `now` (epoch ms): slot k of an hour is `n % SLOTS_PER_HOUR`. */
export function slotAt(now: number): number {
    return Math.floor(now / SLOT_MS);
}

/**
 * The slots of the hour a run at `now` covers: its own, and every slot since the last completed run
 * (`doneThrough`) that a killed or missed run left unchecked, at most a whole hour (each drive once).
 * Without a checkpoint (the first run) only its own.
 */
export function dueSlots(now: number, doneThrough: number | undefined): Set<number> {
    const current = slotAt(now);
    const from = doneThrough === undefined ? current : Math.max(doneThrough + 1, current - SLOTS_PER_HOUR + 1);
    const due = new Set<number>();
    for (let s = from; s <= current; s++) due.add(s % SLOTS_PER_HOUR);
    return due;
}

const PARTITION = 'driveHealth';

interface CheckpointRow {
    partitionKey: string;
    rowKey: string;
    doneThrough: number;
    updatedAt: string;
}

/** The last slot whose checks all finished for this integration, if any run has finished. */
export async function readHealthCheckpoint(table: TableClient, integrationId: string): Promise<number | undefined> {
    try {
        return (await table.getEntity<CheckpointRow>(PARTITION, tableKey(integrationId))).doneThrough;
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}

/**
 * Records that every slot up to `doneThrough` was checked. Written only after a run's checks finished,
 * so a run killed at any line leaves the checkpoint behind it and the next run (SLOT_MINUTES later)
 * checks its slot again; two runs racing at worst check a slot twice, which is harmless.
 */
export async function writeHealthCheckpoint(
    table: TableClient,
    integrationId: string,
    doneThrough: number,
): Promise<void> {
    const row: CheckpointRow = {
        partitionKey: PARTITION,
        rowKey: tableKey(integrationId),
        doneThrough,
        updatedAt: new Date().toISOString(),
    };
    await table.upsertEntity(row, 'Replace');
}
