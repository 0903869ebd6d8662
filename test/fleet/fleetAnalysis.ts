import type { FleetEvent, FleetLine } from '../../dev/fleet/fleet';
import type { LoggedRequest } from '../../dev/m365/requestLog';

/**
 * What the fleet's logs and the simulator's request log say about the properties a scaled-out
 * service must keep. Pure functions over recorded facts, so each check reads as its rule.
 */

export interface LeaseInterval {
    driveId: string;
    runId: string;
    host: string;
    pid: number;
    from: number;
    /** When the holder said it stops writing, or was killed, or (still running) the end of the record. */
    to: number;
    ended: 'released' | 'killed' | 'open';
}

const STAMP = /^\[(\d{4}-\d{2}-\d{2}T[^\]]+)\] /;
const LEASE = /Sync lease (taken|releasing) \{[^}]*driveId: '([^']+)'[^}]*runId: '([^']+)'/;

/**
 * A host's log records: a line stamped by its invoker (`[ISO time] ...`) and the lines that follow it
 * unstamped (a logged object spans several lines).
 */
export function logRecords(lines: readonly FleetLine[]): FleetLine[] {
    const out: FleetLine[] = [];
    const current = new Map<number, FleetLine>();
    for (const line of lines) {
        const previous = current.get(line.pid);
        if (!STAMP.test(line.text) && previous) {
            previous.text += `\n${line.text}`;
            continue;
        }
        const record = { ...line };
        current.set(line.pid, record);
        out.push(record);
    }
    return out;
}

/**
 * Every time a host held a drive's sync lease, from the runs' own log lines (stamped by the host's
 * invoker) and the fleet's kills: a killed host holds nothing after the moment it was killed.
 */
export function leaseIntervals(
    lines: readonly FleetLine[],
    events: readonly FleetEvent[],
    end: number,
): LeaseInterval[] {
    const killedAt = new Map(events.filter((e) => e.kind === 'killed').map((e) => [e.pid, e.at]));
    const open = new Map<string, LeaseInterval>();
    const out: LeaseInterval[] = [];
    for (const line of logRecords(lines)) {
        const m = LEASE.exec(line.text);
        const stamp = STAMP.exec(line.text);
        if (!m || !stamp) continue;
        const [, what, driveId, runId] = m as unknown as [string, string, string, string];
        const at = Date.parse(stamp[1]!);
        const key = `${line.pid}:${driveId}:${runId}`;
        if (what === 'taken') {
            open.set(key, { driveId, runId, host: line.host, pid: line.pid, from: at, to: end, ended: 'open' });
        } else {
            const interval = open.get(key);
            if (!interval) continue;
            open.delete(key);
            out.push({ ...interval, to: at, ended: 'released' });
        }
    }
    for (const interval of open.values()) {
        const killed = killedAt.get(interval.pid);
        out.push(killed !== undefined ? { ...interval, to: killed, ended: 'killed' } : interval);
    }
    return out;
}

/** Pairs of intervals of one drive that overlap in time (two holders at once): must be empty. */
export function overlappingHolders(intervals: readonly LeaseInterval[]): [LeaseInterval, LeaseInterval][] {
    const byDrive = new Map<string, LeaseInterval[]>();
    for (const i of intervals) byDrive.set(i.driveId, [...(byDrive.get(i.driveId) ?? []), i]);
    const out: [LeaseInterval, LeaseInterval][] = [];
    for (const list of byDrive.values()) {
        list.sort((a, b) => a.from - b.from);
        for (let i = 0; i < list.length; i++)
            for (let j = i + 1; j < list.length && list[j]!.from < list[i]!.to; j++) out.push([list[i]!, list[j]!]);
    }
    return out;
}

/** transferId → how many times a host logged it as succeeded (a committed transfer is logged once). */
export function transferSuccesses(lines: readonly FleetLine[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const line of logRecords(lines)) {
        if (!line.text.includes('transfer succeeded')) continue;
        const m = /transferId: '([^']+)'/.exec(line.text);
        if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
    }
    return out;
}

export interface RetryAfterBreach {
    throttledAt: number;
    retryAfterSeconds: number;
    request: LoggedRequest;
}

/**
 * Graph requests that arrived while a Retry-After was running, from whichever instance: after each 429
 * the simulator sent (with `retryAfterSeconds`), nothing may arrive between `inFlightMs` after it
 * (requests already on their way when it was answered) and the end of the wait.
 */
export function retryAfterBreaches(
    requests: readonly LoggedRequest[],
    retryAfterSeconds: number,
    inFlightMs: number,
    isGraph: (r: LoggedRequest) => boolean,
): RetryAfterBreach[] {
    const graph = requests.filter(isGraph);
    const out: RetryAfterBreach[] = [];
    for (const throttled of graph.filter((r) => r.status === 429)) {
        const from = throttled.at + inFlightMs;
        const to = throttled.at + retryAfterSeconds * 1000;
        for (const r of graph)
            if (r.at > from && r.at < to) out.push({ throttledAt: throttled.at, retryAfterSeconds, request: r });
    }
    return out;
}
