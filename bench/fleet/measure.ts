import { QueueClient } from '@azure/storage-queue';
import { slotAt, SLOT_MINUTES, SLOTS_PER_HOUR } from '../../lib/drives/healthSlots';
import { sweepDriveHealth } from '../../lib/drives/healthSweep';
import { createLogger } from '../../lib/logging/logger';
import { renewSubscriptions } from '../../lib/notifications/renewal';
import { getServices } from '../../lib/runtime/services';
import { listSchedule } from '../../lib/sync/engine/schedule';
import { logRecords } from '../../test/fleet/fleetAnalysis';
import { startFleetService, type FleetService } from '../../test/fleet/fleetService';
import { proxiedConnectionString } from '../sync/countingProxy';
import type { Cost, FleetFigures } from './figures';

/**
 * One measurement of bench:fleet (main.ts starts it with BENCH_FLEET_RUN={"drives":n,"hosts":h}, a
 * fresh Azurite and the dev CA). Prints progress, then its figures as one JSON line.
 */
const { drives, hosts } = JSON.parse(process.env.BENCH_FLEET_RUN ?? '{"drives":20,"hosts":1}') as {
    drives: number;
    hosts: number;
};
/** The production schedules the per-hour figures are derived from. */
const SYNC_INTERVAL_MINUTES = 15;
const TICKS_PER_HOUR = 60;
/** The bench's scheduler ticks faster than production's (every minute), so a round takes seconds. */
const BENCH_TICK = '*/10 * * * * *';

async function main(): Promise<void> {
    const { connectionString, proxies } = await proxiedConnectionString(process.env.TEST_AZURITE_CONNECTION_STRING!);
    process.env.TEST_AZURITE_CONNECTION_STRING = connectionString;
    const started = Date.now();
    const f = await startFleetService({
        drives,
        filesPerDrive: 2,
        connectConcurrency: 8,
        schedules: {
            syncScheduler: BENCH_TICK,
            syncSweep: null,
            subscriptionRenewal: null,
            maintenance: null,
            driveHealth: null,
            credentialExpiry: null,
        },
    });
    progress(`${drives} drives connected in ${Math.round((Date.now() - started) / 1000)} s`);
    const counters = () => snapshot(f, proxies);
    try {
        const t0 = Date.now();
        await f.fleet.start(hosts);
        const firstSync = await waitFirstSyncs(f, t0);
        progress(`first syncs done in ${Math.round(firstSync.seconds)} s`);
        const fanOut = fanOutOf(f);
        await waitQuiet(f);

        const beforeTicks = counters();
        const ticksBefore = executions(f, 'syncScheduler');
        while (executions(f, 'syncScheduler') < ticksBefore + 3) await sleep(500);
        const idleTick = per(diff(counters(), beforeTicks), 3);

        const beforeRuns = counters();
        await syncAll(f);
        await waitQuiet(f);
        const idleRun = per(diff(counters(), beforeRuns), drives);
        progress('idle runs measured');

        // An hour of the driveHealth timer (each drive checked once, in its slot of the hour), run here.
        const beforeHealth = counters();
        const healthHour = await healthOfAnHour();
        const healthCheck = per({ ...diff(counters(), beforeHealth), executions: SLOTS_PER_HOUR }, drives);
        progress(
            `an hour of health checks measured (${healthHour.checked} drives, at most ${healthHour.maxDue} a run)`,
        );

        // A whole day of the hourly renewal timer (each drive renewed once, in its own hour), run here.
        const beforeRenewal = counters();
        const midnight = Date.parse(new Date().toISOString().slice(0, 10));
        let renewed = 0;
        for (let h = 0; h < 24; h++)
            renewed += (await renewSubscriptions(await getServices(), undefined, midnight + h * 3_600_000)).renewed;
        const renewal = per({ ...diff(counters(), beforeRenewal), executions: 24 }, drives);
        progress(`a day of renewals (${renewed} subscriptions) measured`);

        const figures: FleetFigures = {
            drives,
            hosts,
            fanOut,
            firstSyncS: firstSync.seconds,
            firstSyncSucceeded: firstSync.succeeded,
            perDrive: { idleRun, healthCheck, renewal },
            healthRuns: { maxDue: healthHour.maxDue, maxRunMs: healthHour.maxRunMs },
            idleTick,
            perHour: perHour(idleRun, healthCheck, renewal, idleTick),
            peakRssMiB: f.fleet.peakRssMiB(),
        };
        console.log(JSON.stringify(figures));
    } finally {
        await f.stop();
        await Promise.all(proxies.map((p) => p.stop()));
    }
}

/**
 * Per idle drive per hour, from the costs measured once:
 * - both: the hourly health check (a token and one Graph read, in one of the hour's twelve runs), the
 *   scheduler's share (60 ticks an hour, whatever the fleet), the daily sweep (one run a day: 1/24);
 * - notifications on: a day of renewals (24 hourly runs, each drive renewed once: 1/24 an hour), and no
 *   scheduled run at all;
 * - schedule only: 60/SyncIntervalMinutes runs an hour. The run measured is "Sync now", which always
 *   lists the platform store; a scheduled run of an unchanged drive lists it only once PlatformScanMinutes
 *   (60) have passed, so this is an upper bound (bench:sync: 1 Graph request, 29-32 storage operations).
 * Executions: runs count one each; each timer execution serves the whole fleet (1/drives each).
 */
function perHour(run: Cost, health: Cost, renewal: Cost, tick: Cost): FleetFigures['perHour'] {
    const runsPerHour = 60 / SYNC_INTERVAL_MINUTES;
    const shared = (timersPerHour: number) => timersPerHour / drives;
    const base = {
        graph: health.graph + run.graph / 24,
        storage: health.storage + run.storage / 24 + (TICKS_PER_HOUR * tick.storage) / drives,
        executions: run.executions / 24 + shared(TICKS_PER_HOUR + SLOTS_PER_HOUR /* health */ + 1 /* sweep timer */),
        delta: 1 / 24,
    };
    return {
        notificationsOn: {
            graph: base.graph + renewal.graph / 24,
            storage: base.storage + renewal.storage / 24,
            executions: base.executions + renewal.executions / 24,
            delta: base.delta,
        },
        scheduleOnly: {
            graph: base.graph + runsPerHour * run.graph,
            storage: base.storage + runsPerHour * run.storage,
            executions: base.executions + runsPerHour * run.executions,
            delta: base.delta + runsPerHour,
        },
    };
}

function snapshot(f: FleetService, proxies: { count: number }[]): Cost {
    return {
        graph: f.svc.sim.simulator.requests.entries.filter((r) => r.path.startsWith('/v1.0')).length,
        storage: proxies.reduce((a, p) => a + p.count, 0),
        executions: f.fleet.lines.filter((l) => l.text.includes("Executing 'Functions.")).length,
    };
}

const diff = (a: Cost, b: Cost): Cost => ({
    graph: a.graph - b.graph,
    storage: a.storage - b.storage,
    executions: a.executions - b.executions,
});
const per = (c: Cost, n: number): Cost => ({
    graph: c.graph / n,
    storage: c.storage / n,
    executions: c.executions / n,
});

function executions(f: FleetService, name: string): number {
    return f.fleet.lines.filter((l) => l.text.includes(`Executed 'Functions.${name}'`)).length;
}

/** Ticks until every drive was requested, their work time (from the hosts' own log lines). */
function fanOutOf(f: FleetService): FleetFigures['fanOut'] {
    const records = logRecords(f.fleet.lines);
    let pendingCount: number | undefined;
    const durations: number[] = [];
    let total = 0;
    for (const r of records) {
        const m = /Scheduled syncs enqueued[\s\S]*enqueued: (\d+)/.exec(r.text);
        if (m) pendingCount = Number(m[1]);
        const done = /Executed 'Functions\.syncScheduler' \(Succeeded, .*Duration=(\d+)ms/.exec(r.text);
        if (done && pendingCount !== undefined && total < drives) {
            total += pendingCount;
            durations.push(Number(done[1]));
            pendingCount = undefined;
        }
    }
    const ticks = durations.length;
    return {
        ticks,
        tickWorkMs: durations.reduce((a, b) => a + b, 0),
        maxTickMs: Math.max(0, ...durations),
        roundAtOneTickPerMinuteS: Math.max(0, ticks - 1) * 60 + (durations[ticks - 1] ?? 0) / 1000,
    };
}

async function waitFirstSyncs(f: FleetService, t0: number): Promise<{ seconds: number; succeeded: number }> {
    const services = await getServices();
    const deadline = t0 + 3 * 60 * 60_000;
    for (;;) {
        const schedule = await listSchedule(services);
        const finished = f.drives.filter((d) => schedule.get(d.record.id)?.lastFinished);
        if (finished.length === f.drives.length)
            return {
                seconds: (Date.now() - t0) / 1000,
                succeeded: finished.filter((d) => schedule.get(d.record.id)!.lastFinished!.status === 'succeeded')
                    .length,
            };
        if (Date.now() > deadline) throw new Error(`first syncs: ${finished.length}/${f.drives.length} after 3 h`);
        await sleep(2_000);
    }
}

/** Until both queues are empty and no drive is marked running. */
async function waitQuiet(f: FleetService): Promise<void> {
    const services = await getServices();
    const cs = process.env.TEST_AZURITE_CONNECTION_STRING!;
    const queues = [f.svc.env.settings.SYNC_QUEUE_NAME!, f.svc.env.settings.TRANSFER_QUEUE_NAME!].map(
        (q) => new QueueClient(cs, q),
    );
    for (let quietSince = 0; ;) {
        const counts = await Promise.all(queues.map(async (q) => (await q.getProperties()).approximateMessagesCount));
        const running = [...(await listSchedule(services)).values()].some((s) => s.running || s.queued);
        if (counts.every((c) => !c) && !running) {
            if (!quietSince) quietSince = Date.now();
            if (Date.now() - quietSince > 3_000) return;
        } else quietSince = 0;
        await sleep(1_000);
    }
}

/** "Sync now" on every drive, 8 at a time. */
async function syncAll(f: FleetService): Promise<void> {
    for (let i = 0; i < f.drives.length; i += 8)
        await Promise.all(
            f.drives.slice(i, i + 8).map((d) => f.svc.env.api('POST', `/api/drives/${d.record.id}/sync`)),
        );
}

/** The driveHealth timer's twelve runs of one hour (the next hour's slots), in this process. */
async function healthOfAnHour(): Promise<{ checked: number; maxDue: number; maxRunMs: number }> {
    const services = await getServices();
    const log = createLogger({
        log: () => undefined,
        warn: (...a: unknown[]) => console.error(...a),
        error: console.error,
    });
    const first = slotAt(Date.now()) + 1;
    const hour = { checked: 0, maxDue: 0, maxRunMs: 0 };
    for (let k = 0; k < SLOTS_PER_HOUR; k++) {
        const started = performance.now();
        const r = await sweepDriveHealth(services, log, (first + k) * SLOT_MINUTES * 60_000);
        hour.maxRunMs = Math.max(hour.maxRunMs, performance.now() - started);
        hour.checked += r.checked;
        hour.maxDue = Math.max(hour.maxDue, r.due);
    }
    hour.maxRunMs = Math.round(hour.maxRunMs);
    return hour;
}

function progress(line: string): void {
    console.error(`  [${drives} drives, ${hosts} host(s)] ${line}`);
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
