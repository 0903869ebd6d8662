import type { TransferRecord } from '../contracts';

/**
 * A transfer as an operator sees it (GET /api/drives/{driveId}/transfers): `active` (an attempt is
 * moving bytes), `queued` (waiting for its first attempt or its next time slice), `retrying` (the
 * last attempt failed or was throttled; the queue brings it back), `failed` (a person must act, then
 * replay), `skipped` (the next sync plans it again), `done`.
 */
export const TRANSFER_PHASES = ['active', 'queued', 'retrying', 'failed', 'skipped', 'done'] as const;
export type TransferPhase = (typeof TRANSFER_PHASES)[number];

export function transferPhase(record: Pick<TransferRecord, 'state' | 'error'>): TransferPhase {
    switch (record.state) {
        case 'running':
            return 'active';
        case 'queued':
            return record.error ? 'retrying' : 'queued';
        case 'succeeded':
            return 'done';
        default:
            return record.state;
    }
}

/** The columns every journal write carries beside its JSON document. */
export function phaseColumns(record: TransferRecord): { phase: TransferPhase; updatedAt: string } {
    return { phase: transferPhase(record), updatedAt: record.updatedAt };
}
