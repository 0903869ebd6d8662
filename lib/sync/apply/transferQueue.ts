import type { TransferMessage } from '../contracts';
import type { ApplyContext, ApplyState } from './applyContext';
import { TransferBatcher } from './transferBatcher';

/** The drive-relative parent path and leaf name of a path. */
export function splitPath(path: string): { parentPath: string; name: string } {
    const i = path.lastIndexOf('/');
    return i < 0 ? { parentPath: '', name: path } : { parentPath: path.slice(0, i), name: path.slice(i + 1) };
}

/** Deterministic: a redelivered sync run maps the same action to the same journal row and message. */
export function transferIdOf(runId: string, actionId: string, part?: 'upload' | 'download'): string {
    return part ? `${runId}.${actionId}.${part}` : `${runId}.${actionId}`;
}

export type TransferSpec = Omit<
    TransferMessage,
    'kind' | 'transferId' | 'integrationId' | 'driveId' | 'runId' | 'actionId'
>;

/**
 * Journals the transfer as `queued`, then sends its message (in that order: the transfer handler may
 * run before this function returns, and must find its row), small files several to a message
 * (transferBatcher.ts). A row already past `queued` means a redelivered run: the transfer is under way
 * or done, and is not sent again. Returns the transfer id
 * (what the run's outcome records, and what `POST .../transfers/{transferId}/replay` takes).
 */
export async function enqueueTransfer(
    ctx: ApplyContext,
    state: ApplyState,
    actionId: string,
    spec: TransferSpec,
    part?: 'upload' | 'download',
): Promise<string> {
    const message: TransferMessage = {
        kind: 'transfer',
        transferId: transferIdOf(ctx.runId, actionId, part),
        integrationId: ctx.integration.id,
        driveId: ctx.drive.id,
        runId: ctx.runId,
        actionId,
        ...spec,
    };
    state.transfers ??= new TransferBatcher(ctx.services);
    if (await state.transfers.send(message)) state.transfersEnqueued++;
    return message.transferId;
}
