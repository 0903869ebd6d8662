import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import type { HostJson } from '../../dev/host/localHost';
import { startAzurite } from '../../dev/azurite/azurite';
import { functions as registry } from '../../functions/registry';
import { FILES_IN_PARALLEL } from '../../lib/transfer/runBatch';
import { startConnectedService } from '../../test/support/connectedService';
import type { Contender } from './contender';
import type { RunResult } from './run';
import { StorageCounter } from './storageCount';
import { sha256 } from './tree';
import type { World } from './world';

/**
 * The service itself, as bench:latency runs it: the local Functions host in this process with every
 * function (HTTP, the sync and transfer queue handlers), Azurite, the Key Vault double, and its own copy
 * of the simulator (the same code, the demo tenant; its resource budget off like the peers'), with Adele's
 * OneDrive connected through the real sign-in. A download scenario is "Sync now" (POST /api/drives/{id}/sync)
 * until the run is over and the transfer queue is empty; the files are then read back from the platform
 * store and their SHA-256 compared. Concurrency: host.json's queue batch (batchSize transfers at a time,
 * newBatchThreshold more fetched; small files travel up to 16 to a message and run 4 at a time within it,
 * lib/sync/apply/transferBatcher.ts). Its peak RSS is not separable from the simulator and the bench in
 * this process, so none is reported. An upload scenario puts the local folder's files into the platform
 * store first (the platform's own writes, untimed: the peers read a local disk), then times "Sync now"
 * until the transfers are done. Storage requests are counted per scenario (storageCount.ts).
 */
export async function startService(_world: World, _workDir: string): Promise<Contender> {
    const azurite = await startAzurite();
    process.env.TEST_AZURITE_CONNECTION_STRING = azurite.connectionString;
    const hostJson = JSON.parse(readFileSync(path.join(process.cwd(), 'host.json'), 'utf8')) as HostJson;
    const svc = await startConnectedService({ functions: registry, hostJson });
    svc.sim.simulator.budget.configure({ enabled: false });
    const configured = await svc.configure();
    if (configured.status !== 201) throw new Error(`Configuring the integration answered ${configured.status}`);
    const { drive } = await svc.connectDrive(
        { name: 'Bench OneDrive', kind: 'onedrive' },
        svc.sim.demo.users.adele.userPrincipalName,
    );
    if (!drive.graph) throw new Error(`The drive did not connect: ${drive.status}`);
    console.log(`service: drive ${drive.id} connected to ${drive.graph.driveId}`);
    const graphDriveId = drive.graph.driveId;
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
        svc.env.settings.PLATFORM_CONTAINER!,
    );
    const transfers = new QueueClient(azurite.connectionString, svc.env.settings.TRANSFER_QUEUE_NAME!);
    const queues = (hostJson as { extensions?: { queues?: { batchSize?: number; newBatchThreshold?: number } } })
        .extensions?.queues;

    const storage = new StorageCounter({
        blob: azurite.blobEndpoint,
        queue: azurite.queueEndpoint,
        table: azurite.tableEndpoint,
    });

    const syncNow = async (): Promise<RunResult> => {
        const started = performance.now();
        const asked = await svc.env.api('POST', `/api/drives/${drive.id}/sync`);
        if (asked.status !== 202) return failed(started, `POST sync answered ${asked.status}: ${asked.text}`);
        const runId = (asked.body as { runId: string }).runId;
        let record: { durationMs?: number; timings?: Record<string, number> } = {};
        for (;;) {
            const run = await svc.env.api('GET', `/api/drives/${drive.id}/runs/${runId}`);
            const body = (run.body as { run?: typeof record & { status?: string } }).run;
            const status = body?.status;
            if (status === 'failed' || status === 'held') return failed(started, `run ${status}: ${run.text}`);
            if (status === 'succeeded') {
                record = body ?? {};
                break;
            }
            if (process.env.BENCH_PEERS_VERBOSE) console.log(`  run ${runId}: ${run.status} ${run.text.slice(0, 300)}`);
            await sleep(100);
        }
        // The run enqueued one transfer per file; they are done when the queue is empty.
        for (;;) {
            const left = (await transfers.getProperties()).approximateMessagesCount;
            if (left === 0) break;
            if (process.env.BENCH_PEERS_VERBOSE) console.log(`  transfers left: ${left}`);
            await sleep(100);
        }
        const wallMs = performance.now() - started;
        // Where the time went: the run's own phases, and the transfers that ran on after it.
        console.log(
            `  service run ${record.durationMs ?? '?'} ms ${JSON.stringify(record.timings ?? {})}, ` +
                `transfers done ${Math.round(wallMs - (record.durationMs ?? 0))} ms after the run`,
        );
        return { code: 0, wallMs, peakRssMiB: NaN, output: '' };
    };

    return {
        name: 'service',
        concurrency: `queue batch ${queues?.batchSize ?? 16} (+${queues?.newBatchThreshold ?? 8}) × ${FILES_IN_PARALLEL} files`,
        sim: { graph: svc.sim.graph, requests: svc.sim.simulator.requests },
        driveFor: () => graphDriveId,
        download: () => syncNow(),
        async upload(folder, dir) {
            const root = path.join(dir, folder);
            const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
            for (const e of files) {
                const full = path.join(e.parentPath, e.name);
                const name = `${drive.id}/${folder}/${path.relative(root, full).split(path.sep).join('/')}`;
                await container.getBlockBlobClient(name).uploadData(readFileSync(full));
            }
            storage.take();
            return syncNow();
        },
        storageCounts: () => storage.take(),
        async verifyDownload(tree, expected) {
            const problems: string[] = [];
            for (const [rel, hash] of expected) {
                const name = `${drive.id}/${tree.root}/${rel}`;
                try {
                    if (sha256(await container.getBlobClient(name).downloadToBuffer()) !== hash)
                        problems.push(`wrong bytes ${rel}`);
                } catch {
                    problems.push(`missing ${rel}`);
                }
            }
            return problems;
        },
        stop: async () => {
            storage.stop();
            await svc.stop();
            await azurite.stop();
        },
    };
}

function failed(started: number, output: string): RunResult {
    return { code: 1, wallMs: performance.now() - started, peakRssMiB: NaN, output };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
