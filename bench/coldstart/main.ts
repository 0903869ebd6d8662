import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * bench:coldstart — time to load the service's Functions entry module against a bare @azure/functions
 * app with one HTTP function, each in ≥ 10 fresh processes, interleaved so machine noise hits both.
 * Prints medians and their ratio (target ≤ 1.5).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const loader = path.join(__dirname, 'loadOnce.js');
const entry = path.join(__dirname, '../../functions/index.js');
const bare = path.join(__dirname, 'bareApp.js');

// The entry validates configuration at start-up; give it a minimal valid one (nothing is contacted).
const env = {
    ...process.env,
    SyncStorage: 'UseDevelopmentStorage=true',
    KEY_VAULT_URL: 'https://localhost:8444',
    PUBLIC_BASE_URL: 'http://localhost:7071',
};

function loadMs(module: string): number {
    const out = execFileSync(process.execPath, [loader, module], { env, encoding: 'utf8' });
    const last = out.trim().split('\n').pop() ?? '';
    return (JSON.parse(last) as { elapsedMs: number }).elapsedMs;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// One warm-up of each so the OS file cache is equally warm for both.
loadMs(bare);
loadMs(entry);
const service: number[] = [];
const baseline: number[] = [];
for (let i = 0; i < RUNS; i++) {
    baseline.push(loadMs(bare));
    service.push(loadMs(entry));
}
const result = {
    runs: RUNS,
    baselineMedianMs: +median(baseline).toFixed(1),
    serviceMedianMs: +median(service).toFixed(1),
    ratio: +(median(service) / median(baseline)).toFixed(2),
    target: '≤ 1.5',
};
console.log(JSON.stringify(result, null, 2));
