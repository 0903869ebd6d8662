import type { Services } from '../../runtime/services';
import type { SyncMessage } from '../contracts';
import { updateDocument } from '../runs/tableDocument';

/**
 * Per drive, what the scheduler and "Sync now" need to know without touching Graph: the run waiting in
 * the queue, the run in progress, and when a sync was last requested. All drives' rows share one
 * partition, so the scheduler reads them with one query.
 */
export interface ScheduleEntry {
    driveId: string;
    integrationId: string;
    queued?: { runId: string; at: string; trigger: SyncMessage['trigger']; dryRun?: boolean };
    running?: { runId: string; since: string };
    lastRequestedAt?: string;
    lastFinished?: { runId: string; at: string; status: string };
}

export const SCHEDULE_PARTITION = 'schedule';
/** A queued or running mark older than the function timeout (30 min) belongs to a lost message or a dead instance. */
export const STALE_MS = 35 * 60_000;

export function isFresh(at: string | undefined, now = Date.now()): boolean {
    return !!at && now - Date.parse(at) < STALE_MS;
}

export async function updateSchedule(
    services: Services,
    driveId: string,
    change: (current: ScheduleEntry | undefined) => ScheduleEntry | undefined,
): Promise<ScheduleEntry | undefined> {
    return updateDocument<ScheduleEntry>(await services.tables.get('syncState'), SCHEDULE_PARTITION, driveId, change);
}

export async function listSchedule(services: Services): Promise<Map<string, ScheduleEntry>> {
    const table = await services.tables.get('syncState');
    const out = new Map<string, ScheduleEntry>();
    for await (const row of table.listEntities<{ rowKey: string; document: string }>({
        queryOptions: { filter: `PartitionKey eq '${SCHEDULE_PARTITION}'` },
    })) {
        out.set(row.rowKey, JSON.parse(row.document) as ScheduleEntry);
    }
    return out;
}
