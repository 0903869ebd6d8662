import { appendFileSync } from 'node:fs';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getServices } from '../../lib/runtime/services';
import { runSync } from '../../lib/sync/engine';
import type { RunRecord } from '../../lib/sync/runs';
import { syntheticDeps } from './benchDeps';

/**
 * One sync run alone in its own process, as a Functions worker would run it: the simulator (with its
 * seeded items) stays in the parent, so this process's peak RSS and live heap are the engine's. The
 * settings (storage through the counting proxies, the simulator, the Key Vault double) come from the
 * parent's environment; the arguments say which drive, which trigger, and what the platform holds.
 */
async function main(): Promise<void> {
    const [integrationId, driveId, trigger, items, edited] = process.argv.slice(2) as [
        string,
        string,
        'manual' | 'timer',
        string,
        string | undefined,
    ];
    const services = await getServices();
    const rssBeforeMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    // Heap in use, sampled: it counts garbage V8 has not collected yet, as peak RSS does.
    let peakHeapUsed = 0;
    const sampler = setInterval(() => (peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed)), 100);
    // What the run really holds: the heap right after each full (mark-compact) collection.
    let peakLive = 0;
    const gcs = new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
            if (
                (entry as unknown as { detail?: { kind?: number } }).detail?.kind ===
                constants.NODE_PERFORMANCE_GC_MAJOR
            )
                peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    });
    gcs.observe({ entryTypes: ['gc'] });
    // BENCH_ENGINE_TRACE=<file>: memory every second (ms, then MiB: rss, heap total, heap used, array buffers).
    const trace = process.env.BENCH_ENGINE_TRACE;
    const tracer = trace
        ? setInterval(() => {
              const m = process.memoryUsage();
              const mib = (n: number) => Math.round(n / 1024 / 1024);
              appendFileSync(
                  trace,
                  `${Math.round(performance.now())} ${mib(m.rss)} ${mib(m.heapTotal)} ${mib(m.heapUsed)} ${mib(m.arrayBuffers)}\n`,
              );
          }, 1000)
        : undefined;
    // BENCH_ENGINE_SNAPSHOTS=<ms>,<ms>…: a heap snapshot (live objects only) that long after the start.
    const snapshots = (process.env.BENCH_ENGINE_SNAPSHOTS ?? '')
        .split(',')
        .filter(Boolean)
        .map((at) => setTimeout(() => process.stderr.write(`heap snapshot: ${writeHeapSnapshot()}\n`), Number(at)));
    const t0 = performance.now();
    const deps = syntheticDeps({
        items: Number(items),
        edited: new Set((edited ?? '').split(',').filter(Boolean).map(Number)),
    });
    const result = await runSync(
        services,
        { kind: 'sync', integrationId, driveId, trigger, requestedAt: new Date().toISOString() },
        { deps },
    );
    const ms = performance.now() - t0;
    clearInterval(sampler);
    clearInterval(tracer);
    for (const s of snapshots) clearTimeout(s);
    gcs.disconnect();
    const run = (result as { run: RunRecord }).run;
    process.stdout.write(
        `${JSON.stringify({ run, ms: Math.round(ms), heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024), rssBeforeMiB, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), peakHeapUsedMiB: Math.round(peakHeapUsed / 1024 / 1024), peakLiveHeapMiB: Math.round(peakLive / 1024 / 1024) })}\n`,
    );
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
