import type { ChangeDraft, ChangeRecorder } from '../changes';
import type { DriveRecord } from '../drives/driveRecord';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { readRows, type StoredRow } from './journal';

export interface LoadedDrive {
    integration: IntegrationRecord;
    drive: DriveRecord;
}

/** A token is reused this long at most: MSAL hands out tokens with ≥ 5 minutes left, so it stays valid. */
const TOKEN_REUSE_MS = 2 * 60 * 1000;

/**
 * What the files of one batch message (lib/transfer/runBatch.ts) share instead of fetching it per file:
 * their journal rows (read together), the drive and integration rows (2 table reads), the access token (a token-cache read and an MSAL
 * call), and the change feed's group commit (recorderFor). Failures are not kept: the next file asks
 * again.
 */
export class BatchScope {
    private drive: Promise<LoadedDrive> | undefined;
    private token: { value: Promise<string>; at: number } | undefined;
    private changes: ChangeRecorder | undefined;

    private rows: Promise<Map<string, StoredRow> | undefined> | undefined;

    constructor(
        private readonly services: Services,
        private readonly driveId: string,
        private readonly transferIds: readonly string[] = [],
    ) {}

    /**
     * The file's journal row as read with its batch's (one query per 14 files instead of a point read
     * each; readRows): `null` when it has none, undefined when the batch read failed (the claim reads it
     * itself). Each row is handed out once: a second claim of the same file reads afresh.
     */
    async prefetchedRow(transferId: string): Promise<StoredRow | null | undefined> {
        this.rows ??= this.services.tables
            .get('transfers')
            .then((table) => readRows(table, this.driveId, this.transferIds))
            .catch(() => undefined);
        const rows = await this.rows;
        if (!rows || !this.transferIds.includes(transferId) || this.handedOut.has(transferId)) return undefined;
        this.handedOut.add(transferId);
        return rows.get(transferId) ?? null;
    }

    private readonly handedOut = new Set<string>();

    loaded(load: () => Promise<LoadedDrive>): Promise<LoadedDrive> {
        if (!this.drive) {
            const pending = load();
            this.drive = pending;
            pending.catch(() => {
                if (this.drive === pending) this.drive = undefined;
            });
        }
        return this.drive;
    }

    tokenFrom(fetch: () => Promise<string>): () => Promise<string> {
        return () => {
            if (!this.token || Date.now() - this.token.at > TOKEN_REUSE_MS) {
                const entry = { value: fetch(), at: Date.now() };
                this.token = entry;
                entry.value.catch(() => {
                    if (this.token === entry) this.token = undefined;
                });
            }
            return this.token.value;
        };
    }

    async recordChange(draft: ChangeDraft): Promise<void> {
        this.changes ??= await recorderFor(this.services, this.driveId);
        await this.changes.record(draft);
    }
}

const recorders = new WeakMap<Services, Map<string, ChangeRecorder>>();

/**
 * One group commit per drive for the whole process: the batches running side by side on this instance
 * append to the drive's feed together, instead of each reading its head and losing the race to the
 * others (a lost race is a head read and a transaction more, per file).
 */
async function recorderFor(services: Services, driveId: string): Promise<ChangeRecorder> {
    const { ChangeRecorder } = await import('../changes');
    let byDrive = recorders.get(services);
    if (!byDrive) recorders.set(services, (byDrive = new Map()));
    let recorder = byDrive.get(driveId);
    if (!recorder) byDrive.set(driveId, (recorder = new ChangeRecorder(services, driveId)));
    return recorder;
}
