import { LEASE_MS } from '../../lib/sync/engine/lease';
import { writeFileSync } from 'node:fs';
import { QueueClient } from '@azure/storage-queue';
import { getServices } from '../../lib/runtime/services';
import { getDriveNotifications } from '../../lib/notifications/subscriptionStore';
import { mulberry32 } from '../support/prng';
import { azuriteConnectionString } from '../support/uniqueNames';
import { PlatformSide, remoteTree, treeDiff } from '../sync/scenarios/scenarioHarness';
import {
    leaseIntervals,
    overlappingHolders,
    retryAfterBreaches,
    transferSuccesses,
    type LeaseInterval,
} from './fleetAnalysis';
import { startFleetService, type FleetDrive, type FleetService } from './fleetService';

/**
 * A fleet of drives on several instances (issue 22): FLEET_HOSTS host processes (default 3) share the
 * queues, tables and timers; FLEET_DRIVES drives of both kinds (default 8: OneDrives of their own
 * users and SharePoint libraries) with content and notifications on; FLEET_ROUNDS rounds of random
 * edits on both sides while a random instance is killed with SIGKILL every FLEET_KILL_MIN_MS to
 * FLEET_KILL_MAX_MS and replaced; then Graph throttles a delta request with a short Retry-After.
 * FLEET_SEED replays a run. Then, with the fleet left alone, every drive must converge, and the
 * recorded facts must show:
 * - every drive's platform copy equals SharePoint's, bytes hashed on both sides;
 * - never two holders of one drive's sync lease at once (the runs' lease log lines, and kill times);
 * - no transfer committed twice (each transfer logged as succeeded at most once, across instances);
 * - a Retry-After met by one instance is honoured by all (no Graph request during the wait);
 * - no message lost: both queues drained; anything in a poison queue has an alert;
 * - each scheduler occurrence fired on one instance only.
 */
const HOSTS = Number(process.env.FLEET_HOSTS ?? 3);
const DRIVES = Number(process.env.FLEET_DRIVES ?? 8);
const ROUNDS = Number(process.env.FLEET_ROUNDS ?? 3);
const SEED = Number(process.env.FLEET_SEED ?? 22);
const KILL_MIN_MS = Number(process.env.FLEET_KILL_MIN_MS ?? 3_000);
const KILL_MAX_MS = Number(process.env.FLEET_KILL_MAX_MS ?? 8_000);
const SETTLE_MS = Number(process.env.FLEET_SETTLE_MS ?? 90_000);
const RETRY_AFTER_SECONDS = 3;

let f: FleetService;
/** FLEET_DEBUG=1 prints each phase (the fleet's own lines: DEBUG_FLEET=1). */
const phase = (what: string) => {
    if (process.env.FLEET_DEBUG) console.log(`${new Date().toISOString()} ${what}`);
};
const random = mulberry32(SEED);

beforeAll(async () => {
    f = await startFleetService({ drives: DRIVES });
}, 180_000);

afterAll(async () => {
    if (process.env.FLEET_LOG && f)
        writeFileSync(
            process.env.FLEET_LOG,
            [
                ...f.fleet.lines.map((l) => `${new Date(l.at).toISOString()} ${l.host}(${l.pid}) ${l.text}`),
                ...f.fleet.events.map((e) => `${new Date(e.at).toISOString()} EVENT ${e.kind} ${e.host}(${e.pid})`),
            ].join('\n'),
        );
    await f?.stop();
}, 60_000);

it(`${DRIVES} drives on ${HOSTS} instances, killed at random, converge without overlap, double commits or lost messages`, async () => {
    const services = await getServices();
    const subscriptions = await services.tables.get('subscriptions');
    for (const d of f.drives) expect((await getDriveNotifications(subscriptions, d.record.id))?.state).toBe('active');

    await f.fleet.start(HOSTS);
    phase('fleet started');
    // First syncs come from the scheduler (every 5 s here), on whichever instance holds its lock.
    await waitConverged(f, f.drives, 60_000);

    phase('first syncs converged');
    const chaos = f.fleet.chaos(random, KILL_MIN_MS, KILL_MAX_MS);
    try {
        for (let round = 0; round < ROUNDS; round++) {
            for (const d of pickSome(f.drives, Math.max(1, Math.ceil(f.drives.length / 3))))
                await editBothSides(d, round);
            await sleep(2_000 + random() * 3_000);
        }
    } finally {
        const replaced = await chaos.stop();
        expect(replaced).toBeGreaterThan(0);
    }
    phase('edits done');
    await waitConverged(f, f.drives, SETTLE_MS);
    // A message whose host was killed mid-run is redelivered and waits for the dead holder's lease to
    // lapse (LEASE_MS) before it resumes: the queues drain after that, not before.
    await waitQueuesEmpty(f, LEASE_MS + 60_000);
    phase('settled after chaos');

    // Graph throttles one delta request; the instance that meets it records the Retry-After in the
    // shared gate and every instance waits it out, while edits keep coming on several drives.
    // (Injected when the fleet is quiet: requests already on their way when the 429 is answered reach
    // Graph inside the wait, and the simulator, as SharePoint, throttles those harder.)
    f.svc.sim.graph.addFault({ kind: 'throttle', count: 1, path: '/delta', retryAfterSeconds: RETRY_AFTER_SECONDS });
    const [first, ...others] = pickSome(f.drives, Math.min(4, f.drives.length));
    await editBothSides(first!, ROUNDS);
    await waitFor(() => f.svc.sim.simulator.requests.entries.some((r) => r.status === 429), 30_000, 'a 429');
    for (const d of others) await editBothSides(d, ROUNDS + 1);
    f.svc.sim.graph.clearFaults();
    await waitConverged(f, f.drives, SETTLE_MS);
    await waitQueuesEmpty(f, LEASE_MS + 60_000);
    await waitConverged(f, f.drives, 30_000);
    phase('settled');

    const end = Date.now();
    const intervals = leaseIntervals(f.fleet.lines, f.fleet.events, end);
    expect(intervals.length).toBeGreaterThanOrEqual(f.drives.length);
    expect(overlappingHolders(intervals).map(describePair)).toEqual([]);

    const doubles = [...transferSuccesses(f.fleet.lines)].filter(([, n]) => n > 1);
    expect(doubles).toEqual([]);

    const graphBase = new URL(f.svc.sim.simulator.graphBaseUrl).pathname;
    const breaches = retryAfterBreaches(f.svc.sim.simulator.requests.entries, RETRY_AFTER_SECONDS, 1_000, (r) =>
        r.path.startsWith(graphBase),
    );
    expect(breaches.map((b) => `${b.request.method} ${b.request.path} at +${b.request.at - b.throttledAt} ms`)).toEqual(
        [],
    );
    expect(f.svc.sim.simulator.requests.entries.some((r) => r.status === 429)).toBe(true);

    await expectPoisonedMessagesAlerted(f);

    // The scheduler's schedule ran on one instance at a time (the timers' storage lock): no occurrence
    // fired on two instances. How many occurrences the run saw depends on how long it took and how
    // often the lock holder was killed (each kill leaves the schedule idle until its lease lapses), so
    // the fleet is left alone until six occurrences are on record: the check is never vacuous.
    await waitFor(() => schedulerOccurrences(f).size > 5, 60_000, 'six scheduler occurrences');
    expect([...schedulerOccurrences(f)].filter(([, on]) => on.size > 1)).toEqual([]);
}, 600_000);

/** Each syncScheduler occurrence seen in the fleet's lines (to the second), with the hosts that ran it. */
function schedulerOccurrences(fs: FleetService): Map<string, Set<string>> {
    const fired = new Map<string, Set<string>>();
    for (const l of fs.fleet.lines) {
        const m = /Executing 'Functions\.syncScheduler' \(Reason='Timer fired at ([^.]+)\./.exec(l.text);
        if (m) fired.set(m[1]!, (fired.get(m[1]!) ?? new Set()).add(l.host));
    }
    return fired;
}

async function editBothSides(d: FleetDrive, round: number): Promise<void> {
    const services = await getServices();
    const platform = new PlatformSide(services, d.record);
    const remoteFiles = [...remoteTree(f.svc, d.graphDriveId)].filter(([, v]) => v !== 'folder').map(([p]) => p);
    const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(random() * xs.length)];
    const tag = `r${round}-${random().toString(36).slice(2, 8)}`;
    // SharePoint side: a new file, an edit, and sometimes a delete or a rename.
    f.svc.sim.graph.putFile(d.graphDriveId, `/F/new-${tag}.txt`, `remote ${tag}\n`);
    const edited = pick(remoteFiles);
    if (edited) f.svc.sim.graph.putFile(d.graphDriveId, `/${edited}`, `remote edit ${tag}\n`);
    const other = pick(remoteFiles.filter((p) => p !== edited));
    if (other && random() < 0.5) {
        if (random() < 0.5) f.svc.sim.graph.remove(d.graphDriveId, `/${other}`);
        else f.svc.sim.graph.rename(d.graphDriveId, `/${other}`, `renamed-${tag}.txt`);
    }
    // Platform side, through the upload API's own steps, then "Sync now" as the platform would.
    await platform.put(`F/p-${tag}.txt`, `platform ${tag}\n`);
    const platformTree = await treeOf(platform);
    const platformFile = pick([...platformTree].filter(([, v]) => v !== 'folder').map(([p]) => p));
    if (platformFile && random() < 0.5) await platform.put(platformFile, `platform edit ${tag}\n`);
    const res = await f.svc.env.api('POST', `/api/drives/${d.record.id}/sync`);
    expect(res.status).toBe(202);
}

/** Until every drive's two trees are equal: "Sync now" on the ones that differ, every few seconds. */
async function waitConverged(fs: FleetService, drives: FleetDrive[], timeoutMs: number): Promise<void> {
    const services = await getServices();
    const deadline = Date.now() + timeoutMs;
    let pending = drives;
    let lastNudge = Date.now();
    for (;;) {
        const diffs = await Promise.all(
            pending.map(async (d) => ({
                d,
                diff: treeDiff(remoteTree(fs.svc, d.graphDriveId), await treeOf(new PlatformSide(services, d.record))),
            })),
        );
        pending = diffs.filter((x) => x.diff.length > 0).map((x) => x.d);
        if (pending.length === 0) return;
        if (Date.now() > deadline)
            throw new Error(
                `Not converged after ${timeoutMs} ms:\n${diffs
                    .filter((x) => x.diff.length)
                    .map((x) => `${x.d.record.name}: ${x.diff.slice(0, 5).join('; ')}`)
                    .join('\n')}`,
            );
        if (Date.now() - lastNudge > 10_000) {
            lastNudge = Date.now();
            for (const d of pending) await fs.svc.env.api('POST', `/api/drives/${d.record.id}/sync`);
        }
        await sleep(1_000);
    }
}

function queues(fs: FleetService): QueueClient[] {
    const cs = azuriteConnectionString();
    return [fs.svc.env.settings.SYNC_QUEUE_NAME!, fs.svc.env.settings.TRANSFER_QUEUE_NAME!].map(
        (name) => new QueueClient(cs, name),
    );
}

async function waitQueuesEmpty(fs: FleetService, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const counts = await Promise.all(
            queues(fs).map(async (q) => (await q.getProperties()).approximateMessagesCount ?? 0),
        );
        if (counts.every((c) => c === 0)) return;
        if (Date.now() > deadline) throw new Error(`Queues not drained: ${counts.join(', ')}`);
        await sleep(500);
    }
}

/** A message that ended in a poison queue must have told someone: an alert naming its drive. */
async function expectPoisonedMessagesAlerted(fs: FleetService): Promise<void> {
    const alerts = await fs.svc.env.api('GET', '/api/manage/alerts');
    expect(alerts.status).toBe(200);
    const text = JSON.stringify(alerts.body);
    for (const q of queues(fs)) {
        const poison = new QueueClient(azuriteConnectionString(), `${q.name}-poison`);
        if (!(await poison.exists())) continue;
        const peeked = await poison.peekMessages({ numberOfMessages: 32 });
        for (const m of peeked.peekedMessageItems) {
            const message = JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { driveId: string };
            expect(text).toContain(message.driveId);
        }
    }
}

function pickSome<T>(xs: T[], n: number): T[] {
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
    return out;
}

function describePair([a, b]: [LeaseInterval, LeaseInterval]): string {
    return `${a.driveId}: ${a.host}/${a.runId} [${a.from}, ${a.to} ${a.ended}] overlaps ${b.host}/${b.runId} [${b.from}, ${b.to} ${b.ended}]`;
}

/** The platform tree; a blob a sync deletes between the listing and the read is read again next time. */
async function treeOf(platform: PlatformSide): Promise<Map<string, string>> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await platform.tree();
        } catch (e) {
            if ((e as { statusCode?: number }).statusCode !== 404 || attempt >= 5) throw e;
            await sleep(200);
        }
    }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await sleep(200);
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
