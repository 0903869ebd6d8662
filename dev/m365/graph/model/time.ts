/** Graph reports times in whole seconds (`2024-01-02T03:04:05Z`). */
export function isoSeconds(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function truncateToSecond(ms: number): number {
    return Math.floor(ms / 1000) * 1000;
}

/** Parses an ISO 8601 date-time; undefined when it is not one. */
export function parseIso(value: unknown): number | undefined {
    if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ) {
        return undefined;
    }
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
}
