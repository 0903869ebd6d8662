import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';

/**
 * bench:sync — the engine on drives of 2,000, 10,000 and 100,000 items (simulator, metadata only), each
 * in its own process: first sync (Graph requests ≈ delta pages, items/s, storage operations, peak RSS
 * and live heap), an unchanged drive (exactly one Graph request), then ten files edited (the baseline
 * read through its path index at 2,000 items; held in memory above, see worker.ts). One JSON document.
 *
 * Each size is measured twice, labelled: production-like (SharePoint's resource-unit budget of a small
 * tenant on, as the simulator does by default) and idealised (no budget). BENCH_SYNC_MODES picks them.
 */
const sizes = (process.env.BENCH_SYNC_SIZES ?? '2000,10000,100000').split(',').map(Number);
const modes = (process.env.BENCH_SYNC_MODES ?? 'production,idealised').split(',');
const { caPath } = ensureDevCertificates();
const worker = path.join(__dirname, 'worker.js');
const runs = sizes.flatMap((n) => modes.map((mode) => [n, mode] as const));
const results = runs.map(([n, mode]) => {
    const out = execFileSync(process.execPath, ['--max-old-space-size=4096', '--expose-gc', worker, String(n), mode], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as unknown;
});
process.stdout.write(`${JSON.stringify({ bench: 'sync', results }, null, 2)}\n`);
