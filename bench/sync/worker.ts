import { ChildProcess, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../../dev/azurite/azurite';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { getServices, type Services } from '../../lib/runtime/services';
import { loadCursor, saveCursor } from '../../lib/sync/remote/deltaCursor';
import { ensureBaselineIndex } from '../../lib/sync/state/baselineIndex';
import { applyBaselineChanges } from '../../lib/sync/state/baselineStore';
import type { RunRecord } from '../../lib/sync/runs';
import { startConnectedService } from '../../test/support/connectedService';
import { baselineOf, PER_FOLDER } from './benchDeps';
import { proxiedConnectionString } from './countingProxy';
import { INSTANCE_MEMORY_MIB, instanceMemoryLimit } from './instanceMemory';

/**
 * One drive size in a fresh process: OneDrives seeded with N empty files (`/bench/f<k>/item-<i>.txt`,
 * 1,000 a folder) through the simulator's API, then each kind of run, each in its own engine process
 * (engineProcess.ts: peak RSS and live heap are the run's, the simulator stays here):
 *  - firstSync: the whole drive, the platform empty (every item a planned download);
 *  - unchanged: a scheduled run of the unchanged drive;
 *  - tenEdits: ten files edited in SharePoint, a scheduled run;
 *  - listingRun: "Sync now" with nothing changed, the first listing run over the stored baseline
 *    (it reads every folder's rows, and records the folders it found equal);
 *  - platformEdits: "Sync now" with ten blobs rewritten on the platform (a listing run);
 *  - reconciliation: the weekly reconciliation listing (SharePoint enumerated from scratch, the
 *    platform store listed), made due by dating the cursor's last full listing 8 days back;
 *  - resumed: a second drive's first sync killed halfway (SIGKILL), then the run that finishes it.
 * Between the first sync and the rest, the baseline the first sync's transfers would have written is
 * stored in Table Storage (rows and path index, through the engine's own batch transactions), at
 * every size: runs read it from there, never from memory.
 *
 * Mode `production` (the simulator's default): SharePoint's resource-unit budget of a small tenant is
 * on, so the engine's gate paces by the RateLimit headers. Mode `idealised`: no limit.
 */
type Mode = 'production' | 'idealised';

/**
 * The largest drive whose baseline is stored in Azurite (BENCH_SYNC_STORED_MAX). Azurite 3.35 keeps a
 * table in one LokiJS collection: a write finds its entity by PartitionKey index and then scans that
 * partition for the RowKey, and a query scans the whole table; its on-disk persistence is one JSON
 * document (V8 caps a string at 512 MiB). Storing 100k items (200k entities) takes ≈ 21 min here and
 * grows with the square of the size: 1M would take more than a day, so above this size the runs that
 * read a stored baseline are reported as not measured.
 */
const storedMax = Number(process.env.BENCH_SYNC_STORED_MAX ?? 100_000);
const storedSkip = (items: number) =>
    `not measured: ${items} items exceed BENCH_SYNC_STORED_MAX (${storedMax}); Azurite's table writes scan the partition and its queries the whole table, so the time to store a baseline grows with the square of its size (≈ 21 min at 100,000 items here, more than a day at 1,000,000)`;

/**
 * Every engine process runs under the memory of the instance it is deployed on (instanceMemory.ts):
 * BENCH_ENGINE_MEMORY_MIB, default the Bicep's 2,048 MB; 0 for none (the machine's whole memory).
 */
const memory = instanceMemoryLimit(Number(process.env.BENCH_ENGINE_MEMORY_MIB ?? INSTANCE_MEMORY_MIB));

interface ChildResult {
    run: RunRecord;
    ms: number;
    /** V8's heap limit as Node sized it by default, for the memory the process may use. */
    heapLimitMiB: number;
    rssBeforeMiB: number;
    peakRssMiB: number;
    peakHeapUsedMiB: number;
    peakLiveHeapMiB: number;
}

async function main(): Promise<void> {
    const items = Number(process.argv[2] ?? 10_000);
    const mode: Mode = process.argv[3] === 'idealised' ? 'idealised' : 'production';
    const log = (line: string) => process.stderr.write(`[bench:sync ${items} ${mode}] ${line}\n`);
    const azurite = await startAzurite();
    const { connectionString, proxies } = await proxiedConnectionString(azurite.connectionString);
    process.env.TEST_AZURITE_CONNECTION_STRING = connectionString;
    // Compiled to dist/bench/sync: host.json stays at the repository root.
    const hostJson = JSON.parse(readFileSync(path.join(__dirname, '../../../host.json'), 'utf8')) as Parameters<
        typeof startConnectedService
    >[0] extends infer O
        ? O extends { hostJson?: infer H }
            ? H
            : never
        : never;
    const svc = await startConnectedService({ logLines: [], hostJson });
    if (mode === 'idealised')
        svc.sim.simulator.budget.configure({ perMinute: Number.MAX_SAFE_INTEGER, perDay: Number.MAX_SAFE_INTEGER });
    const storageOps = () => proxies.reduce((n, p) => n + p.count, 0);
    const resumeToo = process.env.BENCH_SYNC_RESUME !== '0';
    try {
        await svc.configure();
        // Both drives connected before any seeding: the seeding blocks the event loop for seconds, and
        // the sign-in's keep-alive sockets would be closed under it.
        const connect = async (name: string, user: string) =>
            (await svc.connectDrive({ name, kind: 'onedrive' }, user)).drive;
        const seed = (drive: DriveRecord) => {
            const seedStart = performance.now();
            for (let i = 0; i < items; i++)
                svc.sim.graph.putFile(drive.graph!.driveId, `/bench/f${Math.floor(i / PER_FOLDER)}/item-${i}.txt`, '');
            return { drive, seedMs: performance.now() - seedStart };
        };
        const driveA = await connect('Bench', svc.sim.demo.users.adele.userPrincipalName);
        const driveB = resumeToo
            ? await connect('Bench resume', svc.sim.demo.users.megan.userPrincipalName)
            : undefined;
        const a = seed(driveA);
        const b = driveB ? seed(driveB) : undefined;
        const services = await getServices();
        const total = svc.sim.graph.listTree(a.drive.graph!.driveId).length;
        log(`seeded ${total} items in ${Math.round(a.seedMs)} ms`);
        log(`engine processes: ${memory.limitMiB ? `memory limit ${memory.limitMiB} MiB` : memory.unlimited}`);

        /** One run in its own process, with what it cost in Graph requests and storage transactions. */
        const measure = async (
            drive: DriveRecord,
            trigger: 'manual' | 'timer',
            platformItems: number,
            edited: number[] = [],
        ) => {
            svc.sim.graph.resetCounters();
            const ops = storageOps();
            const child = await runChild(drive, trigger, platformItems, edited);
            const run = child.run;
            const figures = {
                status: run.status,
                // A failed run says why (its code and message), so a figure never hides a failure.
                ...(run.error ? { error: run.error } : {}),
                graphRequests: svc.sim.graph.counters().requests,
                storageTransactions: storageOps() - ops,
                ms: child.ms,
                peakRssMiB: child.peakRssMiB,
                peakLiveHeapMiB: child.peakLiveHeapMiB,
                peakHeapUsedMiB: child.peakHeapUsedMiB,
                heapLimitMiB: child.heapLimitMiB,
                counts: run.counts,
                ...(run.batches ? { batches: run.batches } : {}),
                ...(run.platformScan ? { platformScan: run.platformScan } : {}),
                ...(run.platformFolders !== undefined
                    ? {
                          platformFolders: run.platformFolders,
                          platformFoldersMatched: run.platformFoldersMatched,
                          platformChanges: run.platformChanges,
                      }
                    : {}),
                ...(run.baselineEntries !== undefined ? { baselineEntries: run.baselineEntries } : {}),
                ...(run.plannedBaselineEntries !== undefined
                    ? { plannedBaselineEntries: run.plannedBaselineEntries }
                    : {}),
                timings: run.timings,
            };
            log(`${trigger} run: ${JSON.stringify({ ...figures, timings: undefined })}`);
            return figures;
        };

        /** A first sync killed at half the uninterrupted one's time, then the run that finishes it. */
        const killedAndResumed = async (drive: DriveRecord, firstMs: number) => {
            // Its lease (60 s) is released by hand, as if it had expired, so the redelivery runs at once.
            const killAfter = Math.round(firstMs / 2);
            const ops = storageOps();
            const killed = await runChild(drive, 'manual', 0, [], killAfter).catch((e: Error) => e);
            const killedOps = storageOps() - ops;
            await (await services.tables.get('syncState')).deleteEntity(drive.id, 'lease').catch(() => undefined);
            const finish = await measure(drive, 'manual', 0);
            return {
                killedAfterMs: killAfter,
                killed: killed instanceof Error ? 'yes' : 'finished before the kill',
                killedRunStorageTransactions: killedOps,
                ...finish,
            };
        };

        const engineMemory = memory.limitMiB ? { limitMiB: memory.limitMiB } : { unlimited: memory.unlimited };
        const first = await measure(a.drive, 'manual', 0);
        const firstSync = { ...first, itemsPerSecond: Math.round(total / (first.ms / 1000)) };

        if (items > storedMax) {
            // Azurite cannot hold this drive's baseline in useful time (see storedMax): the runs that
            // read it are not measured, and the JSON says so rather than printing a figure of another store.
            const stored = { skipped: storedSkip(total) };
            log(`stored-baseline runs: ${stored.skipped}`);
            const resumed = b ? await killedAndResumed(b.drive, first.ms) : undefined;
            process.stdout.write(
                `${JSON.stringify({ mode, items: total, engineMemory, seedMs: Math.round(a.seedMs), firstSync, baselineStored: stored, ...(resumed ? { resumed } : {}) })}\n`,
            );
            return;
        }

        // The baseline the first sync's transfers would have written, through the engine's own batches.
        const writeStart = performance.now();
        const writeOps = storageOps();
        // Only the bench's own tree: the generated platform side does not hold the demo files the
        // simulator seeds in every OneDrive, and a baseline row for them would read as a platform delete.
        const benchTree = svc.sim.graph.listTree(a.drive.graph!.driveId).filter((i) => /^\/bench(\/|$)/.test(i.path));
        await storeBaseline(services, a.drive, benchTree);
        const baselineStored = {
            rows: benchTree.length,
            ms: Math.round(performance.now() - writeStart),
            storageTransactions: storageOps() - writeOps,
        };
        log(`baseline stored: ${JSON.stringify(baselineStored)}`);

        const unchanged = await measure(a.drive, 'timer', items);
        for (let i = 0; i < 10; i++)
            svc.sim.graph.putFile(
                a.drive.graph!.driveId,
                `/bench/f${i % Math.ceil(items / PER_FOLDER)}/item-${(i * PER_FOLDER + i) % items}.txt`,
                `edit ${i}`,
            );
        const tenEdits = await measure(a.drive, 'timer', items);
        // The first listing run over the stored baseline reads every folder's rows and records the
        // folders it found equal; the next one reads only the folders whose blobs or rows changed.
        const listingRun = await measure(a.drive, 'manual', items);
        const edited = Array.from({ length: 10 }, (_, i) => (i * 7919 * 13 + 17) % items);
        const platformEdits = await measure(a.drive, 'manual', items, edited);
        // The weekly reconciliation listing, due now: its cursor's last full listing is 8 days old.
        const { cursor } = await loadCursor(services, a.drive.id);
        await saveCursor(services, a.drive.id, {
            ...cursor!,
            remoteListedAt: new Date(Date.now() - 8 * 86_400_000).toISOString(),
        });
        const reconciliation = await measure(a.drive, 'timer', items, edited);

        const resumed = b ? await killedAndResumed(b.drive, first.ms) : undefined;
        const result = {
            mode,
            items: total,
            engineMemory,
            seedMs: Math.round(a.seedMs),
            firstSync,
            baselineStored,
            unchanged,
            tenEdits,
            listingRun,
            platformEdits,
            reconciliation,
            ...(resumed ? { resumed } : {}),
        };
        process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
        await svc.stop();
        await Promise.all(proxies.map((p) => p.stop()));
        await azurite.stop();
        memory.dispose();
    }
}

/** Rows and path index in the engine's own transactions (4 lanes of 5,000 items), the count last. */
async function storeBaseline(
    services: Services,
    drive: DriveRecord,
    tree: Parameters<typeof baselineOf>[0][],
): Promise<void> {
    await ensureBaselineIndex(services, drive.id, []);
    const chunks: Parameters<typeof baselineOf>[0][][] = [];
    for (let at = 0; at < tree.length; at += 5000) chunks.push(tree.slice(at, at + 5000));
    let next = 0;
    const lane = async () => {
        while (next < chunks.length) {
            const chunk = chunks[next++]!;
            await applyBaselineChanges(
                services,
                drive.id,
                { upsert: chunk.map(baselineOf), remove: [] },
                { rows: new Map(), complete: true },
            );
        }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
}

let current: ChildProcess | undefined;

/** Runs one engine process; with `killAfterMs`, SIGKILLs it then (and rejects). */
function runChild(
    drive: DriveRecord,
    trigger: 'manual' | 'timer',
    platformItems: number,
    edited: number[],
    killAfterMs?: number,
): Promise<ChildResult> {
    const heapFlag = process.env.BENCH_ENGINE_HEAP_MIB
        ? [`--max-old-space-size=${process.env.BENCH_ENGINE_HEAP_MIB}`]
        : [];
    const args = [
        ...heapFlag,
        path.join(__dirname, 'engineProcess.js'),
        drive.integrationId,
        drive.id,
        trigger,
        String(platformItems),
        edited.join(','),
    ];
    const [command, commandArgs] = memory.wrap(process.execPath, args);
    return new Promise((resolve, reject) => {
        current = execFile(
            command,
            commandArgs,
            { env: process.env, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error) return reject(new Error(`engine process failed: ${error.message}\n${stderr.slice(-2000)}`));
                resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult);
            },
        );
        if (killAfterMs !== undefined) {
            const child = current;
            setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
        }
    });
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
