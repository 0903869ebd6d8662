import type { Clock } from './contract';

/**
 * The simulator's time. Token lifetimes, code expiry, secret and certificate expiry and refresh-token
 * inactivity are all measured against it, so a test can jump 90 days without waiting for them.
 */
export class SimulatedClock implements Clock {
    private current: number;

    constructor(startTime: number) {
        this.current = startTime;
    }

    now(): number {
        return this.current;
    }

    /** Moves time forward; time never runs backwards through this method. */
    advance(ms: number): number {
        if (!Number.isFinite(ms) || ms < 0)
            throw new RangeError(`advance expects a non-negative number of milliseconds, got ${ms}`);
        this.current += ms;
        return this.current;
    }

    set(epochMs: number): number {
        if (!Number.isFinite(epochMs)) throw new RangeError(`set expects epoch milliseconds, got ${epochMs}`);
        this.current = epochMs;
        return this.current;
    }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
