import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../../dev/azurite/azurite';
import { getServices } from '../../lib/runtime/services';
import { runSync } from '../../lib/sync/engine';
import { ensureBaselineIndex } from '../../lib/sync/state/baselineIndex';
import { applyBaselineChanges } from '../../lib/sync/state/baselineStore';
import type { RunRecord } from '../../lib/sync/runs';
import { startConnectedService } from '../../test/support/connectedService';
import { mirrorDeps } from './benchDeps';
import { proxiedConnectionString } from './countingProxy';

/**
 * One measurement in a fresh process (so peak RSS belongs to this drive size): a OneDrive seeded with
 * N empty files through the simulator's API, its first sync, then a sync of the unchanged drive.
 *
 * Mode `production` (the simulator's default): SharePoint's resource-unit budget of a small tenant is on
 * (graph/budget/budget.ts), so the engine's gate paces by the RateLimit headers and Graph throttles past
 * the limit. Mode `idealised`: no limit, as the simulator was before issue 15. Both report what each
 * phase cost in resource units.
 */
type Mode = 'production' | 'idealised';

async function main(): Promise<void> {
    const items = Number(process.argv[2] ?? 10_000);
    const mode: Mode = process.argv[3] === 'idealised' ? 'idealised' : 'production';
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
    // Idealised: a budget nothing reaches, so what each phase costs is still counted.
    if (mode === 'idealised')
        svc.sim.simulator.budget.configure({ perMinute: Number.MAX_SAFE_INTEGER, perDay: Number.MAX_SAFE_INTEGER });
    /** Resource units the app has spent so far, and how often Graph throttled it or warned (RateLimit headers). */
    const spent = () => {
        const usage = svc.sim.simulator.budget.usage().filter((u) => u.appId === svc.sim.demo.clientId);
        return {
            ru: usage.reduce((n, u) => n + u.charged, 0),
            throttled: usage.reduce((n, u) => n + u.throttled, 0),
            warned: usage.reduce((n, u) => n + u.warned, 0),
        };
    };
    const since = (before: ReturnType<typeof spent>) => {
        const now = spent();
        return {
            resourceUnits: now.ru - before.ru,
            throttled: now.throttled - before.throttled,
            rateLimitWarnings: now.warned - before.warned,
        };
    };
    try {
        await svc.configure();
        const { drive } = await svc.connectDrive(
            { name: 'Bench', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        const graphDriveId = drive.graph!.driveId;
        const seedStart = performance.now();
        for (let i = 0; i < items; i++)
            svc.sim.graph.putFile(graphDriveId, `/bench/f${Math.floor(i / 1000)}/item-${i}.txt`, '');
        const seedMs = performance.now() - seedStart;
        const total = svc.sim.graph.listTree(graphDriveId).length;
        const mirror = mirrorDeps();
        const services = await getServices();
        const message = (trigger: 'manual' | 'timer') => ({
            kind: 'sync' as const,
            integrationId: drive.integrationId,
            driveId: drive.id,
            trigger,
            requestedAt: new Date().toISOString(),
        });

        const storageOps = () => proxies.reduce((n, p) => n + p.count, 0);
        svc.sim.graph.resetCounters();
        svc.sim.simulator.budget.resetUsage();
        let ops = storageOps();
        let budget = spent();
        // The first sync runs in a child process: the simulator holding the seeded drive stays here.
        const heapFlag = process.env.BENCH_ENGINE_HEAP_MIB
            ? [`--max-old-space-size=${process.env.BENCH_ENGINE_HEAP_MIB}`]
            : [];
        const child = await runChild(process.execPath, [
            ...heapFlag,
            path.join(__dirname, 'engineProcess.js'),
            drive.integrationId,
            drive.id,
        ]);
        const firstRun = child.run;
        const firstMs = child.ms;
        const firstGraph = svc.sim.graph.counters().requests;
        const firstOps = storageOps() - ops;
        const firstBudget = since(budget);

        mirror.settle(svc.sim.graph.listTree(graphDriveId));
        svc.sim.graph.resetCounters();
        ops = storageOps();
        budget = spent();
        const t1 = performance.now();
        // The scheduled run of an unchanged drive (a "Sync now" would also list the platform store).
        const second = await runSync(services, message('timer'), { deps: mirror.deps });
        const secondMs = performance.now() - t1;
        const secondRun = (second as { run: RunRecord }).run;
        const secondGraph = svc.sim.graph.counters().requests;
        const secondOps = storageOps() - ops;
        const secondBudget = since(budget);

        // Ten files edited in SharePoint: a scheduled run reads and plans the rows around those edits.
        // Up to BENCH_STORED_BASELINE_MAX (5,000) items the baseline is written to Table Storage first (rows and path index, as
        // the applier leaves them), so the run reads it through the index; Azurite's writes slow down with
        // the table's size, so beyond that the mirror holds it in memory and only the plan is scoped.
        const stored = total <= Number(process.env.BENCH_STORED_BASELINE_MAX ?? 5_000);
        const writeStart = performance.now();
        if (stored) {
            await ensureBaselineIndex(services, drive.id, []);
            await applyBaselineChanges(
                services,
                drive.id,
                { upsert: mirror.baseline(), remove: [] },
                { rows: new Map(), complete: true },
            );
        }
        const baselineWriteMs = performance.now() - writeStart;
        for (let i = 0; i < 10; i++)
            svc.sim.graph.putFile(graphDriveId, `/bench/f${i}/item-${i * 1000}.txt`, `edit ${i}`);
        svc.sim.graph.resetCounters();
        ops = storageOps();
        budget = spent();
        const t2 = performance.now();
        const {
            loadBaseline: _whole,
            baselineCount: _count,
            ensureBaselineIndex: _ensure,
            ...withStoredBaseline
        } = mirror.deps;
        const third = (await runSync(services, message('timer'), {
            deps: stored ? withStoredBaseline : mirror.deps,
        })) as { run: RunRecord };
        const thirdMs = performance.now() - t2;
        const result = {
            mode:
                mode === 'production'
                    ? `production-like: resource budget of a small tenant on (${svc.sim.simulator.budget.options.perMinute} RU/min per app)`
                    : 'idealised: no resource budget (units counted, never limited)',
            items: total,
            seedMs: Math.round(seedMs),
            firstSync: {
                status: firstRun.status,
                graphRequests: firstGraph,
                deltaPages: firstRun.delta?.pages,
                storageOps: firstOps,
                ms: Math.round(firstMs),
                itemsPerSecond: Math.round(total / (firstMs / 1000)),
                downloadsPlanned: firstRun.counts?.download,
                timings: firstRun.timings,
                batches: firstRun.batches,
                ...firstBudget,
                peakRssMiB: child.peakRssMiB,
                rssAtStartMiB: child.rssBeforeMiB,
                peakHeapUsedMiB: child.peakHeapUsedMiB,
                peakLiveHeapMiB: child.peakLiveHeapMiB,
                engineHeapLimitMiB: process.env.BENCH_ENGINE_HEAP_MIB
                    ? Number(process.env.BENCH_ENGINE_HEAP_MIB)
                    : 'node default',
            },
            unchanged: {
                status: secondRun.status,
                graphRequests: secondGraph,
                deltaRequests: secondRun.delta?.requests,
                ...secondBudget,
                storageOps: secondOps,
                ms: Math.round(secondMs),
                actions: Object.values(secondRun.counts ?? {}).reduce((a, b) => a + b, 0),
                unchanged: secondRun.unchanged === true,
                platformListed: secondRun.platformScan !== undefined,
                timings: secondRun.timings,
            },
            tenEdits: {
                baseline: stored ? 'Table Storage, read through the path index' : 'in memory (mirror), plan scoped',
                ...(stored ? { baselineWrittenMs: Math.round(baselineWriteMs) } : {}),
                status: third.run.status,
                graphRequests: svc.sim.graph.counters().requests,
                ...since(budget),
                storageOps: storageOps() - ops,
                ms: Math.round(thirdMs),
                counts: third.run.counts,
                baselineEntries: third.run.baselineEntries,
                plannedBaselineEntries: third.run.plannedBaselineEntries,
                timings: third.run.timings,
            },
        };
        process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
        await svc.stop();
        await Promise.all(proxies.map((p) => p.stop()));
        await azurite.stop();
    }
}

interface ChildResult {
    run: RunRecord;
    ms: number;
    rssBeforeMiB: number;
    peakRssMiB: number;
    peakHeapUsedMiB: number;
    peakLiveHeapMiB: number;
}

/** Runs the engine process with this process's environment; resolves with its JSON line. */
function runChild(node: string, args: string[]): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
        execFile(node, args, { env: process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) return reject(new Error(`engine process failed: ${error.message}\n${stderr}`));
            resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult);
        });
    });
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
