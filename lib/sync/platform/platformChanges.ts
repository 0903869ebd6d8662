import { randomUUID } from 'node:crypto';
import type { Services } from '../../runtime/services';
import { readDocument, writeDocument } from '../runs/tableDocument';
import { updateSchedule } from '../engine/schedule';

/**
 * Per drive, when the platform last wrote through this service's API (an upload slot handed out, an
 * upload completed). A sync lists the whole platform store only when something may have changed
 * there since its last listing; otherwise the baseline already says what the platform holds, and an
 * unchanged drive costs no listing at all (DESIGN: "uploads through the API mark their item dirty").
 */
export interface PlatformChangeMark {
    changedAt: string;
    /** Unique per write: a run remembers the mark its listing covered and compares ids, not clocks. */
    id: string;
}

const ROW = 'platform-changes';

/** Unconditional upsert: the latest write wins; callers mark after their write, so a listing that read an older mark is redone. */
export async function markPlatformChanged(services: Services, driveId: string, at = new Date()): Promise<void> {
    await writeDocument<PlatformChangeMark>(
        await services.tables.get('syncState'),
        driveId,
        ROW,
        { changedAt: at.toISOString(), id: randomUUID() },
        '*',
    );
    // The scheduler reads every drive's schedule row in one query: a drive whose notifications are on
    // is scheduled only when this says the platform wrote since its last scheduled run.
    const changedAt = at.toISOString();
    await updateSchedule(services, driveId, (s) =>
        s && !(s.platformChangedAt && s.platformChangedAt >= changedAt)
            ? { ...s, platformChangedAt: changedAt }
            : undefined,
    );
}

export async function readPlatformChangeMark(
    services: Services,
    driveId: string,
): Promise<PlatformChangeMark | undefined> {
    return (await readDocument<PlatformChangeMark>(await services.tables.get('syncState'), driveId, ROW))?.value;
}
