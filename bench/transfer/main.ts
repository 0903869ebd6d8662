import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startAzurite } from '../../dev/azurite/azurite';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';
import type { HostJson } from '../../dev/host/localHost';
import type { TransferMessage } from '../../lib/sync/contracts';

/**
 * bench:transfer — a file both ways (Blob → Graph upload, Graph → Blob download) through Azurite and
 * the Microsoft 365 simulator: the pipeline's MB/s, a raw-copy ceiling's MB/s in the same run (same
 * endpoints, same fragment size, minimal loop), their ratio, and the pipeline's peak RSS, for 100 MiB
 * and BENCH_BYTES (default 1 GiB). Each measured run is its own process. Prints JSON.
 */
const MiB = 2 ** 20;
const SIZE = Number(process.env.BENCH_BYTES ?? 1024 * MiB);
const FRAGMENT = Number(process.env.BENCH_FRAGMENT_BYTES ?? 10 * MiB);

interface Run {
    seconds: number;
    peakRssMiB: number;
    baseRssMiB: number;
}

function reexecWithCa(): boolean {
    const { caPath } = ensureDevCertificates();
    if (process.env.NODE_EXTRA_CA_CERTS === caPath) return false;
    const r = spawnSync(process.execPath, process.argv.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
    });
    process.exit(r.status ?? 1);
}

/** Async: the simulator and the local host live in this process and must keep serving meanwhile. */
function measure(env: NodeJS.ProcessEnv, mode: 'pipeline' | 'raw', message: TransferMessage): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            [path.join(__dirname, 'worker.js'), JSON.stringify({ mode, message, fragmentBytes: FRAGMENT })],
            { env },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
            if (code !== 0) reject(new Error(`${mode} ${message.direction} failed: ${err}`));
            else resolve(JSON.parse(out.trim().split('\n').pop()!) as Run);
        });
    });
}

const mbps = (bytes: number, run: Run) => +(bytes / 1e6 / run.seconds).toFixed(1);

async function main(): Promise<void> {
    if (reexecWithCa()) return;
    const azurite = await startAzurite();
    try {
        await bench(azurite.connectionString);
    } finally {
        await azurite.stop();
    }
}

async function bench(connectionString: string): Promise<void> {
    process.env.TEST_AZURITE_CONNECTION_STRING = connectionString;
    // The test fixture connects a OneDrive through the real sign-in flow; the bench reuses it.
    const { startTransferFixture } = await import('../../test/transfer/transferFixture');
    const hostJsonPath = [
        path.resolve(__dirname, '../../host.json'),
        path.resolve(__dirname, '../../../host.json'),
    ].find(existsSync)!;
    const f = await startTransferFixture({ hostJson: JSON.parse(readFileSync(hostJsonPath, 'utf8')) as HostJson });
    const env = { ...process.env, ...f.svc.env.settings, FUNCTIONS_WORKER_RUNTIME: 'node' };
    const sizes = [...new Set([Math.min(100 * MiB, SIZE), SIZE])];
    const results: Record<string, unknown>[] = [];
    try {
        f.svc.sim.graph.mkdirp(f.gid(f.oneDrive), 'bench');
        for (const size of sizes) {
            const source = `bench/source-${size}.bin`;
            const chunk = randomBytes(8 * MiB);
            const blob = f.container.getBlockBlobClient(`${f.oneDrive.id}/${source}`);
            const ids: string[] = [];
            for (let at = 0, i = 0; at < size; at += chunk.length, i++) {
                const id = Buffer.from(`src-${String(i).padStart(8, '0')}`).toString('base64');
                const n = Math.min(chunk.length, size - at);
                chunk.writeUInt32LE(i, 0); // blocks differ
                await blob.stageBlock(id, chunk.subarray(0, n), n);
                ids.push(id);
            }
            const etag = (await blob.commitBlockList(ids)).etag!;
            const up = (name: string) => ({
                ...f.message(f.oneDrive, 'upload', source, size, { expected: { size, platformETag: etag } }),
                remote: { parentPath: 'bench', name },
            });
            const upPipeline = await measure(env, 'pipeline', up(`pipeline-${size}.bin`));
            const upRaw = await measure(env, 'raw', up(`raw-${size}.bin`));
            const item = f.svc.sim.graph.getItem(f.gid(f.oneDrive), `/bench/pipeline-${size}.bin`)!;
            const down = (target: string) =>
                f.message(f.oneDrive, 'download', target, size, {
                    remote: { itemId: item.id, parentPath: 'bench', name: item.name },
                    expected: { size, quickXorHash: item.quickXorHash },
                });
            const downPipeline = await measure(env, 'pipeline', down(`bench/down-${size}.bin`));
            const downRaw = await measure(env, 'raw', down(`bench/rawdown-${size}.bin`));
            results.push({
                bytes: size,
                fragmentBytes: FRAGMENT,
                upload: {
                    pipelineMBps: mbps(size, upPipeline),
                    rawMBps: mbps(size, upRaw),
                    ratio: +(upRaw.seconds / upPipeline.seconds).toFixed(2),
                    pipelinePeakRssMiB: upPipeline.peakRssMiB,
                    rawPeakRssMiB: upRaw.peakRssMiB,
                },
                download: {
                    pipelineMBps: mbps(size, downPipeline),
                    rawMBps: mbps(size, downRaw),
                    ratio: +(downRaw.seconds / downPipeline.seconds).toFixed(2),
                    pipelinePeakRssMiB: downPipeline.peakRssMiB,
                    rawPeakRssMiB: downRaw.peakRssMiB,
                },
                workerBaseRssMiB: upPipeline.baseRssMiB,
            });
            f.svc.sim.graph.remove(f.gid(f.oneDrive), `/bench/raw-${size}.bin`);
            await f.container.getBlobClient(`${f.oneDrive.id}/bench/rawdown-${size}.bin`).deleteIfExists();
            await f.container.getBlobClient(`${f.oneDrive.id}/bench/down-${size}.bin`).deleteIfExists();
        }
    } finally {
        await f.stop();
    }
    console.log(JSON.stringify({ note: 'MB = 10^6 bytes; ratio = pipeline speed / raw-copy speed', results }, null, 2));
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
