import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HostJson } from '../../dev/host/localHost';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../../dev/azurite/azurite';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';
import { functions as registry } from '../../functions/registry';
import { forgetSyncRequests, resetSyncRequestCacheForTests } from '../../lib/notifications/syncRequests';
import { percentile, sleep, startNotifyingService, type NotifyingService } from '../../test/notifications/notifyingService';

/**
 * bench:latency — how long from a change made in SharePoint/OneDrive (the simulator) to the service
 * acting on it, over BENCH_CHANGES (≥ 50) changes.
 *
 * - When a sync queue handler is registered (the sync engine + transfers): change → file present with
 *   the new bytes in the platform store, with notifications on.
 * - Always: change → webhook SyncMessage enqueued (the notification path alone), and → visible
 *   (plus the debounce delay).
 * - With notifications off the drive waits for its schedule: the change lands uniformly within the
 *   interval, so p50 ≈ interval/2 and p95 ≈ 0.95 × interval (BENCH_SCHEDULE_MINUTES, default 15).
 */
const CHANGES = Math.max(50, Number(process.env.BENCH_CHANGES ?? 50));
const SCHEDULE_MINUTES = Number(process.env.BENCH_SCHEDULE_MINUTES ?? 15);

function relaunchTrustingDevCa(): boolean {
    const { caPath } = ensureDevCertificates();
    if (process.env.NODE_EXTRA_CA_CERTS === caPath) return false;
    const r = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath } });
    process.exit(r.status ?? 1);
}

const hasSyncEngine = registry.some((f) => f.kind === 'queue' && f.options.queueName === '%SYNC_QUEUE_NAME%');

async function main(): Promise<void> {
    relaunchTrustingDevCa();
    const azurite = await startAzurite();
    process.env.TEST_AZURITE_CONNECTION_STRING = azurite.connectionString;
    // Run from the repository root (npm run bench:latency): host.json is not copied to dist.
    const hostJson = JSON.parse(readFileSync(path.join(process.cwd(), 'host.json'), 'utf8')) as HostJson;
    const svc = await startNotifyingService({ keepQueueHandlers: hasSyncEngine, hostJson });
    try {
        const configured = await svc.configure();
        if (configured.status !== 201) console.error(svc.logLines.filter((l) => /error|fail/i.test(l)).slice(-2).join('\n'));
        if (configured.status !== 201) throw new Error(`Configuring the integration answered ${configured.status}: ${JSON.stringify(configured.body)}`);
        svc.publishHost();
        const { drive } = await svc.connectDrive({ name: 'Bench OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName);
        if (!drive.graph) throw new Error(`Drive did not connect: ${drive.status}`);
        const notify = await measureEnqueue(svc, drive.id, drive.graph.driveId);
        print('change → webhook SyncMessage enqueued', notify.enqueued);
        print('change → SyncMessage visible (+ debounce)', notify.visible);
        if (hasSyncEngine) print('change → file in platform store (notifications)', await measureEndToEnd(svc, drive.graph.driveId));
        else console.log('change → file in platform store: not measured (no sync queue handler registered yet)');
        console.log(`schedule only (notifications off, ${SCHEDULE_MINUTES}-minute interval): p50 ≈ ${(SCHEDULE_MINUTES / 2).toFixed(1)} min, p95 ≈ ${(SCHEDULE_MINUTES * 0.95).toFixed(1)} min`);
    } finally {
        await svc.stop();
        await azurite.stop();
    }
}

/** Each change on a fresh debounce slot (as after a quiet minute), so every sample takes the full path. */
async function measureEnqueue(svc: NotifyingService, driveId: string, graphDriveId: string): Promise<{ enqueued: number[]; visible: number[] }> {
    const enqueued: number[] = [];
    const visible: number[] = [];
    const table = await (await svc.services()).tables.get('subscriptions');
    for (let i = 0; i < CHANGES; i++) {
        await svc.syncQueue.clear();
        await forgetSyncRequests(table, driveId);
        resetSyncRequestCacheForTests();
        const started = performance.now();
        svc.sim.graph.putFile(graphDriveId, `/bench/notify-${i}.txt`, `change ${i}`);
        while ((await svc.syncQueue.count()) === 0) await sleep(5);
        enqueued.push(performance.now() - started);
        // Visibility is only sampled on a few changes: each costs the whole debounce delay.
        if (i % 10 === 0) {
            await svc.syncQueue.waitVisible(1, 30_000);
            visible.push(performance.now() - started);
        }
    }
    return { enqueued, visible };
}

async function measureEndToEnd(svc: NotifyingService, graphDriveId: string): Promise<number[]> {
    const container = BlobServiceClient.fromConnectionString(process.env.TEST_AZURITE_CONNECTION_STRING!).getContainerClient(svc.env.settings.PLATFORM_CONTAINER!);
    const samples: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
        const name = `e2e-${i}.txt`;
        const body = `end to end ${i} ${Date.now()}`;
        const started = performance.now();
        svc.sim.graph.putFile(graphDriveId, `/bench/${name}`, body);
        await waitForBlob(container, name, body, 10 * 60_000);
        samples.push(performance.now() - started);
    }
    return samples;
}

async function waitForBlob(container: ReturnType<BlobServiceClient['getContainerClient']>, name: string, body: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        try {
            for await (const blob of container.listBlobsFlat()) {
                if (!blob.name.endsWith(`/${name}`) && blob.name !== name) continue;
                const content = (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
                if (content === body) return;
            }
        } catch (e) {
            // The platform container appears with the drive's first sync.
            if ((e as { statusCode?: number }).statusCode !== 404) throw e;
        }
        await sleep(250);
    }
    throw new Error(`${name} never reached the platform store`);
}

function print(label: string, samples: number[]): void {
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(`${label}: n=${sorted.length} p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms`);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
