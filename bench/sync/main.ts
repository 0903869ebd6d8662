import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';

/**
 * bench:sync — the engine on drives of 10,000, 100,000 and 1,000,000 items (simulator, metadata only),
 * each size in its own process (worker.ts), the baseline stored in Table Storage at every size: first
 * sync, unchanged run, ten SharePoint edits, a listing run with nothing changed and one with ten
 * platform edits, and a first sync
 * killed halfway and resumed; each with Graph requests, storage transactions, wall time, peak RSS and
 * live heap of the run's own process. One line per size as it finishes; the last line is one JSON
 * object keyed by size, then run kind.
 *
 * BENCH_SYNC_SIZES picks sizes (e.g. `10000` for a short run); BENCH_SYNC_MODES `idealised` (no
 * resource budget, the default: it measures the engine) and/or `production` (a small tenant's budget,
 * the simulator's default: Graph's pacing dominates); BENCH_SYNC_RESUME=0 skips the killed first sync;
 * BENCH_SYNC_STORED_MAX (default 100,000) is the largest size whose baseline is stored (worker.ts says why);
 * BENCH_ENGINE_TRACE=<file> appends each engine process's memory every second, BENCH_ENGINE_SNAPSHOTS=<ms>,…
 * writes heap snapshots (engineProcess.ts); BENCH_ENGINE_MEMORY_MIB (default 2,048, the Bicep's instance
 * memory; 0 for none) is the memory limit each engine process runs under (instanceMemory.ts).
 */
const sizes = (process.env.BENCH_SYNC_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const modes = (process.env.BENCH_SYNC_MODES ?? 'idealised').split(',');
const { caPath } = ensureDevCertificates();
const worker = path.join(__dirname, 'worker.js');
const results: Record<string, unknown> = {};
for (const n of sizes)
    for (const mode of modes) {
        const out = execFileSync(
            process.execPath,
            ['--max-old-space-size=8192', '--expose-gc', worker, String(n), mode],
            {
                env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
                encoding: 'utf8',
                maxBuffer: 64 * 1024 * 1024,
                stdio: ['ignore', 'pipe', 'inherit'],
            },
        );
        const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
        const key = modes.length > 1 ? `${n}:${mode}` : String(n);
        results[key] = result;
        process.stdout.write(`${key} ${JSON.stringify(result)}\n`);
    }
process.stdout.write(`${JSON.stringify({ bench: 'sync', results })}\n`);
