/**
 * How a transfer ends when it does not succeed. `skipped` means the world moved on (the source or the
 * target changed after planning): the next sync re-plans. `failed` is visible to people and is not
 * retried automatically (replay re-enqueues it). `retry` lets the queue redeliver the message.
 */
export type TransferOutcome = 'skipped' | 'failed' | 'retry';

export class TransferError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly outcome: TransferOutcome,
        readonly graph?: { status?: number; code?: string; requestId?: string },
    ) {
        super(message);
        this.name = 'TransferError';
    }

    get retryable(): boolean {
        return this.outcome === 'retry';
    }
}

export const skipped = (code: string, message: string, graph?: TransferError['graph']): TransferError =>
    new TransferError(code, message, 'skipped', graph);
export const failed = (code: string, message: string, graph?: TransferError['graph']): TransferError =>
    new TransferError(code, message, 'failed', graph);
export const retryLater = (code: string, message: string, graph?: TransferError['graph']): TransferError =>
    new TransferError(code, message, 'retry', graph);
