/**
 * The invocation's time budget. A transfer stops before it (checkpointed) and re-enqueues itself, so
 * no invocation runs into the Functions timeout mid-fragment. `Paused` unwinds to the runner from
 * wherever the budget ran out; progress up to the last checkpoint is kept.
 */
export class Deadline {
    constructor(readonly at: number) {}

    static after(ms: number): Deadline {
        return new Deadline(Date.now() + ms);
    }

    get remainingMs(): number {
        return this.at - Date.now();
    }

    /** Throws {@link Paused} when less than `reserveMs` is left. */
    check(reserveMs = 0): void {
        if (this.remainingMs <= reserveMs) throw new Paused('budget');
    }
}

export class Paused extends Error {
    /**
     * `throttled`: the tenant is blocked past the budget; `session_lost`: the upload session kept being
     * lost, try again later. `resumeAt` says when to come back; `detail` is what the journal shows meanwhile.
     */
    constructor(
        readonly reason: 'budget' | 'throttled' | 'session_lost',
        readonly resumeAt?: number,
        readonly detail?: { code: string; message: string },
    ) {
        super(
            detail?.message ??
                (reason === 'budget'
                    ? 'Time budget reached; continuing in the next slice.'
                    : 'Tenant throttled past the time budget.'),
        );
        this.name = 'Paused';
    }
}
