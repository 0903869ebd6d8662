/** Sleeping and exponential backoff with full jitter (so instances that failed together retry apart). */
export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export function backoffMs(attempt: number, baseMs = 500, capMs = 30_000): number {
    const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** A little random extra after a Retry-After, so waiters do not all come back in the same millisecond. */
export function jitterMs(maxMs = 400): number {
    return 100 + Math.random() * maxMs;
}
