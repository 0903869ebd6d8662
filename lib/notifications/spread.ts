import { createHash } from 'node:crypto';

/**
 * Where a drive's once-a-day work falls: a stable hour of the day (UTC) and a second within that hour,
 * from a hash of its id and the kind of work, so a tenant's drives spread evenly over the day instead
 * of meeting at one instant, and each drive does its work at about the same time every day. Different
 * `work` names put one drive's sweep and its renewal in different hours.
 */
export function dailySlot(driveId: string, work: string): { hour: number; second: number } {
    const digest = createHash('sha256').update(`${work}:${driveId}`).digest();
    return { hour: digest.readUInt32BE(0) % 24, second: digest.readUInt32BE(4) % 3600 };
}

/** Whether `now` (epoch ms) falls in the drive's hour for `work`. */
export function inSlotHour(driveId: string, work: string, now: number): boolean {
    return dailySlot(driveId, work).hour === new Date(now).getUTCHours();
}

/**
 * Which of the hour's `slotsPerHour` equal slots the drive's hourly work for `work` falls in: its daily
 * slot's second of the hour, cut into slots (so the hash is the one above, and a drive keeps its slot).
 */
export function hourlySlot(driveId: string, work: string, slotsPerHour: number): number {
    return Math.floor((dailySlot(driveId, work).second * slotsPerHour) / 3600);
}
