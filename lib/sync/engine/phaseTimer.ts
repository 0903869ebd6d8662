/** Milliseconds per named phase of a run, for the run record. */
export class PhaseTimer {
    readonly timings: Record<string, number> = {};

    async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
        const start = performance.now();
        try {
            return await work();
        } finally {
            this.timings[phase] = Math.round((this.timings[phase] ?? 0) + performance.now() - start);
        }
    }
}
