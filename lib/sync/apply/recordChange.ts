import { changeId, ChangeRecorder, type ChangeDraft } from '../../changes';
import type { ApplyContext, ApplyState } from './applyContext';

/**
 * Puts a change the applier made in the platform store into the drive's change feed, before the
 * action counts as done. The id derives from the run and the path: a redelivered run records it once.
 */
export function recordPlatformChange(
    ctx: ApplyContext,
    state: ApplyState,
    change: Omit<ChangeDraft, 'id' | 'runId'>,
): Promise<void> {
    state.changes ??= new ChangeRecorder(ctx.services, ctx.drive.id);
    return state.changes.record({
        ...change,
        id: changeId(`run:${ctx.runId}`, change.type, change.path),
        runId: ctx.runId,
    });
}
