/**
 * The host's randomized exponential back-off between polls of an empty queue: from 100 ms doubling
 * (±20 % jitter) up to host.json maxPollingInterval; reset as soon as a poll finds messages.
 */
export class PollingBackoff {
    private current: number;

    constructor(
        private readonly minMs: number,
        private readonly maxMs: number,
        private readonly random: () => number = Math.random,
    ) {
        this.current = minMs;
    }

    next(): number {
        const jittered = this.current * (0.8 + 0.4 * this.random());
        this.current = Math.min(this.maxMs, this.current * 2);
        return Math.round(Math.min(this.maxMs, jittered));
    }

    reset(): void {
        this.current = this.minMs;
    }
}
