export { runSync, type SyncResult, type RunSyncOptions } from './runSync';
export { requestSync, type SyncRequest } from './requestSync';
export { scheduleDueDrives, isDue, type ScheduleResult } from './scheduler';
export { parseSyncMessage } from './syncMessage';
export { acquireLease, LeaseLostError, type DriveLease } from './lease';
export type { SyncDeps } from './deps';
export { runHistory, runDetail, conflictInbox, decideHeldDeletes } from './runQueries';
