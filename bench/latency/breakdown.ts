import { percentile } from '../../test/notifications/notifyingService';

/**
 * Where one change's time went, from the local host's own log lines ("[ISO] Executing/Executed
 * 'Functions.X'"): each milestone is milliseconds after the change was made in the simulator.
 * Only the first occurrence after the change counts (later runs are follow-ups).
 */
export interface Milestones {
    webhook?: number;
    syncStart?: number;
    syncEnd?: number;
    transferStart?: number;
    transferEnd?: number;
    blobSeen: number;
}

const STARTS: [keyof Milestones, string][] = [
    ['webhook', 'graphNotifications'],
    ['syncStart', 'syncQueue'],
    ['transferStart', 'transfer'],
];
const ENDS: Partial<Record<keyof Milestones, keyof Milestones>> = {
    syncStart: 'syncEnd',
    transferStart: 'transferEnd',
};

export function milestones(lines: readonly string[], changedAtEpochMs: number, blobSeen: number): Milestones {
    const m: Milestones = { blobSeen };
    // An invocation that ends inside this window may have started in the previous one: ends count only for starts seen here.
    const started = new Map<string, keyof Milestones>();
    for (const line of lines) {
        const parsed = /^\[(\d{4}-\d\d-\d\dT[^\]]+)\] (Executing|Executed) 'Functions\.(\w+)' .*Id=([0-9a-f-]+)/.exec(
            line,
        );
        if (!parsed) continue;
        const [, iso, verb, fn, id] = parsed;
        const t = Date.parse(iso!) - changedAtEpochMs;
        if (verb === 'Executing') {
            const key = STARTS.find(([, name]) => name === fn)?.[0];
            if (key && m[key] === undefined) {
                m[key] = t;
                started.set(id!, key);
            }
            continue;
        }
        const end = ENDS[started.get(id!) ?? 'blobSeen'];
        if (end && m[end] === undefined) m[end] = t;
    }
    return m;
}

/** Per-hop p50/p95 (the blob is committed before the transfer's journal row, so it can be seen before the invocation ends). */
export function printBreakdown(samples: readonly Milestones[]): void {
    const hops: [string, (m: Milestones) => number | undefined][] = [
        ['change → webhook received', (m) => m.webhook],
        ['webhook → sync run picked up', (m) => diff(m.syncStart, m.webhook)],
        ['sync run (invocation)', (m) => diff(m.syncEnd, m.syncStart)],
        ['sync start → transfer picked up', (m) => diff(m.transferStart, m.syncStart)],
        ['transfer picked up → blob verified by bench', (m) => diff(m.blobSeen, m.transferStart)],
        ['transfer (whole invocation, journal included)', (m) => diff(m.transferEnd, m.transferStart)],
    ];
    for (const [label, pick] of hops) {
        const values = samples
            .map(pick)
            .filter((v): v is number => v !== undefined)
            .sort((a, b) => a - b);
        if (values.length === 0) continue;
        console.log(
            `  ${label}: n=${values.length} p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms`,
        );
    }
    const slowest = samples.reduce((a, b) => (b.blobSeen > a.blobSeen ? b : a));
    console.log(
        `  slowest change (ms after it): ${Object.entries(slowest)
            .map(([k, v]) => `${k} ${Math.round(v)}`)
            .join(', ')}`,
    );
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
    return a === undefined || b === undefined ? undefined : a - b;
}
