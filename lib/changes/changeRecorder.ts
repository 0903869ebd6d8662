import type { Services } from '../runtime/services';
import { appendChanges } from './changeLog';
import type { ChangeDraft } from './changeModel';

/**
 * Records the changes of one sync run as its actions complete. Actions run side by side (applyPlan's
 * concurrency), so each `record` joins the next group commit: whatever arrived while one transaction
 * was in flight goes in the following one. `record` resolves only once its event is in the feed, so
 * an action counts as done only with its event stored, and the run's appends do not fight each other
 * over the feed's head.
 */
export class ChangeRecorder {
    private waiting: { draft: ChangeDraft; done: () => void; fail: (e: unknown) => void }[] = [];
    private flushing: Promise<void> | undefined;

    constructor(
        private readonly services: Services,
        private readonly driveId: string,
    ) {}

    record(draft: ChangeDraft): Promise<void> {
        return new Promise((done, fail) => {
            this.waiting.push({ draft, done, fail });
            this.flushing ??= this.drain();
        });
    }

    private async drain(): Promise<void> {
        const table = await this.services.tables.get('changes').catch((e: unknown) => e as Error);
        while (this.waiting.length > 0) {
            const group = this.waiting;
            this.waiting = [];
            try {
                if (table instanceof Error) throw table;
                await appendChanges(
                    table,
                    this.driveId,
                    group.map((g) => g.draft),
                );
                for (const g of group) g.done();
            } catch (e) {
                for (const g of group) g.fail(e);
            }
        }
        this.flushing = undefined;
    }
}

/** One change outside a run's group commit (a transfer landing). */
export async function recordChange(services: Services, driveId: string, draft: ChangeDraft): Promise<void> {
    await appendChanges(await services.tables.get('changes'), driveId, [draft]);
}
