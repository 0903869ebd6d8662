import type { Clock } from './contract';

/**
 * A monotonic reading of real time, taken before any test can swap the globals: jest's fake timers
 * replace `Date` (and, when asked, `performance`), and the simulator must not jump with them.
 */
const realElapsedMs: () => number = performance.now.bind(performance);

/**
 * The simulator's time. It passes in real time, as Microsoft's does: access tokens expire, download
 * URLs and upload sessions lapse, subscriptions run out and a Retry-After window ends while a client
 * waits for it (issue 15: a clock that stood still made Microsoft's own RetryHandler fail). Tests still
 * jump ahead (`advance`, `set`) to reach 90 days or an expiry without waiting for it; real time keeps
 * running from there.
 */
export class SimulatedClock implements Clock {
    /** Simulated epoch ms at `anchoredAt` (a reading of {@link realElapsedMs}). */
    private anchor: number;
    private anchoredAt: number;

    constructor(startTime: number) {
        this.anchor = startTime;
        this.anchoredAt = realElapsedMs();
    }

    now(): number {
        return Math.floor(this.anchor + (realElapsedMs() - this.anchoredAt));
    }

    /** Moves time forward; time never runs backwards through this method. */
    advance(ms: number): number {
        if (!Number.isFinite(ms) || ms < 0)
            throw new RangeError(`advance expects a non-negative number of milliseconds, got ${ms}`);
        this.anchor += ms;
        return this.now();
    }

    /** Jumps to a given time (also backwards: a test that went ahead may come back); time runs on from there. */
    set(epochMs: number): number {
        if (!Number.isFinite(epochMs)) throw new RangeError(`set expects epoch milliseconds, got ${epochMs}`);
        this.anchor = epochMs;
        this.anchoredAt = realElapsedMs();
        return this.now();
    }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
