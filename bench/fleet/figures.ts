/** What one (drives, hosts) measurement yields (measure.ts), and how the table prints them. */
export interface Cost {
    graph: number;
    storage: number;
    executions: number;
}

export interface FleetFigures {
    drives: number;
    hosts: number;
    fanOut: {
        /** Scheduler ticks until every drive was requested once (paced: SCHEDULER_PACING). */
        ticks: number;
        /** Work time of those ticks together, and of the longest one. */
        tickWorkMs: number;
        maxTickMs: number;
        /** The round at the production schedule (a tick a minute): (ticks − 1) minutes + the last tick's work. */
        roundAtOneTickPerMinuteS: number;
    };
    /** From the fleet's start until every drive's first run finished (and how many succeeded). */
    firstSyncS: number;
    firstSyncSucceeded: number;
    /** Measured once each, per drive (health: an hour of the 5-minute runs; renewal: a day of the hourly runs). */
    perDrive: { idleRun: Cost; healthCheck: Cost; renewal: Cost };
    /** The hour of driveHealth runs: the most drives one run checked, and its longest run. */
    healthRuns: { maxDue: number; maxRunMs: number };
    /** One scheduler tick with nothing due, for the whole fleet. */
    idleTick: Cost;
    /** Per idle drive per hour, derived from the schedules (see measure.ts perHour). */
    perHour: { notificationsOn: Cost & { delta: number }; scheduleOnly: Cost & { delta: number } };
    peakRssMiB: Record<string, number>;
}

export function printTable(figures: FleetFigures[]): void {
    const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);
    const n = (x: number, digits = 2) => Number(x.toFixed(digits));
    console.log('');
    row([
        'drives',
        'hosts',
        'fan-out ticks',
        'fan-out work (s)',
        'round at 1 tick/min (s)',
        'first sync (s)',
        'idle/h notif: Graph',
        'delta',
        'storage',
        'executions',
        'idle/h schedule: Graph',
        'delta',
        'storage',
        'executions',
        'peak RSS/host (MiB)',
    ]);
    row(Array.from({ length: 15 }, () => '---'));
    for (const f of figures) {
        const on = f.perHour.notificationsOn;
        const off = f.perHour.scheduleOnly;
        row([
            f.drives,
            f.hosts,
            f.fanOut.ticks,
            n(f.fanOut.tickWorkMs / 1000, 1),
            n(f.fanOut.roundAtOneTickPerMinuteS, 0),
            `${n(f.firstSyncS, 0)} (${f.firstSyncSucceeded} ok)`,
            n(on.graph),
            n(on.delta, 3),
            n(on.storage, 1),
            n(on.executions),
            n(off.graph),
            n(off.delta, 2),
            n(off.storage, 1),
            n(off.executions),
            Object.values(f.peakRssMiB).join(' / '),
        ]);
    }
    console.log('');
}
