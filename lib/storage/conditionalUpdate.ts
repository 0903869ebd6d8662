import { restStatus } from './restError';

/** A stored value and the ETag it was read with. */
export interface Versioned<T> {
    value: T;
    etag: string;
}

/** Another writer kept winning the ETag race: the bounded retries ran out (never a silent give-up). */
export class ConcurrentUpdateError extends Error {
    readonly code = 'concurrent_update';

    constructor(what: string, attempts: number) {
        super(`${what} kept changing under ${attempts} write attempts.`);
        this.name = 'ConcurrentUpdateError';
    }
}

/** The one retry policy of every read–change–write-if-unchanged in the service. */
export const CONDITIONAL_UPDATE_ATTEMPTS = 8;

export interface ConditionalUpdate<T, R> {
    /** Names the row in the error when the retries run out. */
    what: string;
    /** The current value and its ETag, or undefined when there is none. */
    read: () => Promise<Versioned<T> | undefined>;
    /**
     * The next value from the current one; `{ done: result }` to stop without writing (nothing to
     * change, or the change is already there). Called again, on a fresh read, after each lost race.
     */
    change: (current: T | undefined) => { write: T; result: R } | { done: R };
    /** Writes `next` if the row still has `etag` (creates it when `etag` is undefined); 409/412 otherwise. */
    write: (next: T, etag: string | undefined) => Promise<unknown>;
}

/**
 * Read, change, write if unchanged (the ETag), and start over when another writer got there first
 * (Table Storage answers 412 to a stale ETag and 409 to a create that lost): optimistic concurrency
 * as Azure Storage documents it ("Managing concurrency in Table storage"). Every such loop in the
 * service goes through here, so all of them retry alike and fail loudly alike.
 */
export async function updateIfUnchanged<T, R>(op: ConditionalUpdate<T, R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
        const current = await op.read();
        const decision = op.change(current?.value);
        if ('done' in decision) return decision.done;
        try {
            await op.write(decision.write, current?.etag);
            return decision.result;
        } catch (e) {
            if (!isLostRace(e)) throw e;
            if (attempt >= CONDITIONAL_UPDATE_ATTEMPTS) throw new ConcurrentUpdateError(op.what, attempt);
        }
    }
}

function isLostRace(e: unknown): boolean {
    const status = restStatus(e);
    return status === 409 || status === 412;
}
