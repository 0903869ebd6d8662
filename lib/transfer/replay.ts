import { restStatus } from '../storage/restError';
import { ApiError } from '../http/apiError';
import type { Services } from '../runtime/services';
import { enqueueTransfer } from './enqueue';
import { readTransfer, requeueTransfer } from './journal';

/**
 * `POST /api/drives/{driveId}/transfers/{transferId}/replay`: a failed (or skipped) transfer is put
 * back on the queue as it was first sent, its journal row reset to queued. Anything still running or
 * already done is left alone.
 */
export async function replayTransfer(
    services: Services,
    driveId: string,
    transferId: string,
): Promise<{ transferId: string; driveId: string; state: 'queued' }> {
    const table = await services.tables.get('transfers');
    const found = await readTransfer(table, driveId, transferId);
    if (!found)
        throw new ApiError(
            404,
            'transfer_not_found',
            `No transfer ${transferId} on drive ${driveId}.`,
            "Check the ids in the sync run's item outcomes.",
        );
    if (found.record.state !== 'failed' && found.record.state !== 'skipped') {
        throw new ApiError(
            409,
            'transfer_not_failed',
            `The transfer is ${found.record.state}; only failed or skipped transfers can be replayed.`,
            'Wait for it to finish, or run a sync.',
        );
    }
    const message = { ...found.message, slice: 0 };
    try {
        await requeueTransfer(table, driveId, transferId, found.etag, found.record, message);
    } catch (e) {
        if (restStatus(e) === 412)
            throw new ApiError(
                409,
                'transfer_changed',
                'The transfer changed while replaying it.',
                'Read it again and retry.',
            );
        throw e;
    }
    await enqueueTransfer(services, message);
    return { transferId, driveId, state: 'queued' };
}
