/**
 * Parses host.json durations, which are .NET TimeSpan strings: `[-][d.]hh:mm:ss[.fffffff]`
 * (e.g. "00:00:30", "1.00:00:00", "00:00:00.500"). A number is taken as milliseconds, which is how
 * host.json v1 expressed some of them. Returns milliseconds.
 */
export function parseDuration(value: string | number, setting: string): number {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    const m =
        typeof value === 'string' ? /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value.trim()) : null;
    if (!m)
        throw new Error(
            `host.json ${setting}=${JSON.stringify(value)} is not a duration: expected hh:mm:ss, e.g. "00:00:30".`,
        );
    const [, days, hours, minutes, seconds, fraction] = m;
    const ms = fraction ? Number(`0.${fraction}`) * 1000 : 0;
    return (
        ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
        Number(seconds) * 1000 +
        Math.round(ms)
    );
}

/** Formats milliseconds back as hh:mm:ss for log lines that quote a setting. */
export function formatDuration(ms: number): string {
    const s = Math.floor(ms / 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
