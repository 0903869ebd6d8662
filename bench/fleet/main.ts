import { spawnSync } from 'node:child_process';
import { startAzurite } from '../../dev/azurite/azurite';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';
import { printTable, type FleetFigures } from './figures';

/**
 * bench:fleet — a fleet of drives on 1 and on 3 instances (issue 22). For each drive count (100 and
 * BENCH_FLEET_DRIVES, default 1,000; BENCH_FLEET_COUNTS="20,50" replaces both) and each instance count
 * (BENCH_FLEET_HOSTS, default "1,3"), in a process of its own (measure.ts): a fresh Azurite behind
 * counting proxies, the simulator, that many drives (OneDrives of their own users and SharePoint
 * libraries, a few small files each, notifications on), connected through the sign-in flow; then
 * - the scheduler's fan-out of one round (every drive due at once, as after a deployment);
 * - first-sync completion (every drive's first run finished);
 * - what an idle drive costs: an idle run, a scheduler tick, an hour of the 5-minute health runs (each
 *   drive checked once), a day of renewals, each measured once (Graph requests at the simulator, storage transactions at the proxies, function
 *   executions in the hosts' logs), and per hour derived from the configured schedules (a measured hour
 *   would take an hour): with notifications on and with the schedule only;
 * - peak RSS per instance.
 * The last line is every figure as one JSON object.
 */
const COUNTS = (process.env.BENCH_FLEET_COUNTS ?? `100,${process.env.BENCH_FLEET_DRIVES ?? 1000}`)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const HOSTS = (process.env.BENCH_FLEET_HOSTS ?? '1,3').split(',').map(Number);

async function main(): Promise<void> {
    const { caPath } = ensureDevCertificates();
    const figures: FleetFigures[] = [];
    for (const drives of [...new Set(COUNTS)].sort((a, b) => a - b))
        for (const hosts of HOSTS) {
            const azurite = await startAzurite();
            try {
                const r = spawnSync(process.execPath, [require.resolve('./measure')], {
                    stdio: ['ignore', 'pipe', 'inherit'],
                    encoding: 'utf8',
                    maxBuffer: 64 * 1024 * 1024,
                    env: {
                        ...process.env,
                        NODE_EXTRA_CA_CERTS: caPath,
                        TEST_AZURITE_CONNECTION_STRING: azurite.connectionString,
                        BENCH_FLEET_RUN: JSON.stringify({ drives, hosts }),
                    },
                });
                const last = r.stdout.trim().split('\n').pop() ?? '';
                if (r.status !== 0 || !last.startsWith('{'))
                    throw new Error(`measuring ${drives} drives on ${hosts} hosts failed:\n${r.stdout.slice(-2000)}`);
                const f = JSON.parse(last) as FleetFigures;
                figures.push(f);
                console.log(`measured ${drives} drives on ${hosts} host(s): ${last}`);
            } finally {
                await azurite.stop();
            }
        }
    printTable(figures);
    console.log(JSON.stringify({ bench: 'fleet', figures }));
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
