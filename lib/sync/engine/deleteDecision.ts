import type { Services } from '../../runtime/services';
import { deleteDocument, readDocument, updateDocument } from '../runs/tableDocument';

/**
 * Deletes the big-delete guard held, and what an admin decided about them. While `pending`, the cursor
 * does not move past the deletes (each run holds them again); `approved` lets the next run apply them
 * with the guard off, `rejected` drops them (the files stay where they are) and moves on.
 */
export interface DeleteDecision {
    state: 'pending' | 'approved' | 'rejected';
    heldByRun: string;
    remote: number;
    platform: number;
    heldAt: string;
    decidedAt?: string;
    decidedBy?: string;
}

const ROW = 'deletes';

export async function readDeleteDecision(services: Services, driveId: string): Promise<DeleteDecision | undefined> {
    return (await readDocument<DeleteDecision>(await services.tables.get('syncState'), driveId, ROW))?.value;
}

export async function holdDeletes(
    services: Services,
    driveId: string,
    runId: string,
    counts: { remote: number; platform: number },
): Promise<void> {
    const table = await services.tables.get('syncState');
    await updateDocument<DeleteDecision>(table, driveId, ROW, () => ({
        state: 'pending',
        heldByRun: runId,
        ...counts,
        heldAt: new Date().toISOString(),
    }));
}

/** Records the decision; undefined when nothing is held. */
export async function decideDeletes(
    services: Services,
    driveId: string,
    state: 'approved' | 'rejected',
    by: string,
): Promise<DeleteDecision | undefined> {
    const table = await services.tables.get('syncState');
    const current = await readDocument<DeleteDecision>(table, driveId, ROW);
    if (!current) return undefined;
    return updateDocument<DeleteDecision>(table, driveId, ROW, (d) =>
        d ? { ...d, state, decidedAt: new Date().toISOString(), decidedBy: by } : undefined,
    );
}

export async function clearDeleteDecision(services: Services, driveId: string): Promise<void> {
    await deleteDocument(await services.tables.get('syncState'), driveId, ROW);
}
