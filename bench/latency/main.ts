import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HostJson } from '../../dev/host/localHost';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { quickXorHash } from '../../lib/hash/quickxorhash';
import { startAzurite } from '../../dev/azurite/azurite';
import { milestones, printBreakdown, type Milestones } from './breakdown';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';
import { functions as registry } from '../../functions/registry';
import { SMALL_TENANT_BUDGET } from '../../dev/m365/graph/budget/budget';
import { IMMEDIATE_NOTIFICATION_DELAY, REALISTIC_NOTIFICATION_DELAY } from '../../dev/m365/graph/model/options';
import { forgetSyncRequests, resetSyncRequestCacheForTests } from '../../lib/notifications/syncRequests';
import {
    percentile,
    sleep,
    startNotifyingService,
    type NotifyingService,
} from '../../test/notifications/notifyingService';

/**
 * bench:latency — how long from a change made in SharePoint/OneDrive (the simulator) to the service
 * acting on it, over BENCH_CHANGES (≥ 50) changes.
 *
 * - When a sync queue handler is registered (the sync engine + transfers): change → file present with
 *   the new bytes (and their quickXorHash, stored once the transfer verified them) in the platform
 *   store, with notifications on; then where that time went, hop by hop, from the host's log lines.
 * - Always: change → webhook SyncMessage enqueued (the notification path alone), and → visible
 *   (plus the debounce delay).
 * - With notifications off the drive waits for its schedule: the change lands uniformly within the
 *   interval, so p50 ≈ interval/2 and p95 ≈ 0.95 × interval (BENCH_SCHEDULE_MINUTES, default 15).
 *
 * Two labelled sets of figures:
 * - idealised: Graph posts each notification as soon as it has batched it, and no resource budget
 *   applies (what the simulator did before issue 15); changes one after another;
 * - production-like (the simulator's defaults): Graph's documented driveItem notification latency
 *   (under a minute on average, up to five; options.ts REALISTIC_NOTIFICATION_DELAY) and a small
 *   tenant's resource-unit budget; BENCH_PRODUCTION_CHANGES changes (default BENCH_CHANGES), one every
 *   BENCH_PRODUCTION_SPACING_MS (default 5,000), each timed from its own change to its file.
 * BENCH_CHANGES below 50 is for quick checks only: its p95 says little.
 */
const CHANGES = Math.max(5, Number(process.env.BENCH_CHANGES ?? 50));
const PRODUCTION_CHANGES = Math.max(5, Number(process.env.BENCH_PRODUCTION_CHANGES ?? CHANGES));
const PRODUCTION_SPACING_MS = Number(process.env.BENCH_PRODUCTION_SPACING_MS ?? 5_000);
const SCHEDULE_MINUTES = Number(process.env.BENCH_SCHEDULE_MINUTES ?? 15);

function relaunchTrustingDevCa(): boolean {
    const { caPath } = ensureDevCertificates();
    if (process.env.NODE_EXTRA_CA_CERTS === caPath) return false;
    const r = spawnSync(process.execPath, process.argv.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
    });
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
        if (configured.status !== 201)
            console.error(
                svc.logLines
                    .filter((l) => /error|fail/i.test(l))
                    .slice(-2)
                    .join('\n'),
            );
        if (configured.status !== 201)
            throw new Error(
                `Configuring the integration answered ${configured.status}: ${JSON.stringify(configured.body)}`,
            );
        svc.publishHost();
        const { drive } = await svc.connectDrive(
            { name: 'Bench OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        if (!drive.graph) throw new Error(`Drive did not connect: ${drive.status}`);
        if (CHANGES < 50)
            console.log(`(quick run: ${CHANGES} changes; p95 over fewer than 50 samples is indicative only)`);

        console.log('IDEALISED — notifications delivered at once, no resource budget:');
        svc.sim.simulator.budget.configure({ enabled: false });
        svc.sim.graph.setOptions({ notifications: { deliveryDelay: IMMEDIATE_NOTIFICATION_DELAY } });
        const notify = await measureEnqueue(svc, drive.id, drive.graph.driveId);
        print('  change → webhook SyncMessage enqueued', notify.enqueued);
        print('  change → SyncMessage visible (+ debounce)', notify.visible);
        if (hasSyncEngine) {
            const e2e = await measureEndToEnd(svc, drive.id, drive.graph.driveId);
            print(
                '  change → file in platform store (notifications)',
                e2e.map((m) => m.blobSeen),
            );
            printBreakdown(e2e);
            await printRunPhases(svc, drive.id);

            const { meanMs, maxMs } = REALISTIC_NOTIFICATION_DELAY;
            console.log(
                `PRODUCTION-LIKE — Graph's driveItem notification latency (mean ${meanMs / 1000} s, max ${maxMs / 60_000} min) and a small tenant's resource budget (${SMALL_TENANT_BUDGET.perMinute} RU/min); a change every ${PRODUCTION_SPACING_MS / 1000} s:`,
            );
            svc.sim.simulator.budget.configure(SMALL_TENANT_BUDGET);
            svc.sim.simulator.budget.resetUsage();
            svc.sim.graph.setOptions({ notifications: { deliveryDelay: REALISTIC_NOTIFICATION_DELAY } });
            const production = await measureStaggered(svc, drive.id, drive.graph.driveId);
            print('  change → file in platform store (notifications)', production);
            const usage = svc.sim.simulator.budget.usage().find((u) => u.appId === svc.sim.demo.clientId);
            console.log(
                `  resource units spent: ${usage?.charged ?? 0} in ${usage?.requests ?? 0} Graph requests; throttled ${usage?.throttled ?? 0}, RateLimit warnings ${usage?.warned ?? 0}`,
            );
        } else console.log('change → file in platform store: not measured (no sync queue handler registered yet)');
        console.log(
            `schedule only (notifications off, ${SCHEDULE_MINUTES}-minute interval): p50 ≈ ${(SCHEDULE_MINUTES / 2).toFixed(1)} min, p95 ≈ ${(SCHEDULE_MINUTES * 0.95).toFixed(1)} min`,
        );
    } finally {
        await svc.stop();
        await azurite.stop();
    }
}

/** Each change on a fresh debounce slot (as after a quiet minute), so every sample takes the full path. */
async function measureEnqueue(
    svc: NotifyingService,
    driveId: string,
    graphDriveId: string,
): Promise<{ enqueued: number[]; visible: number[] }> {
    const enqueued: number[] = [];
    const visible: number[] = [];
    const table = await (await svc.services()).tables.get('subscriptions');
    for (let i = 0; i < CHANGES; i++) {
        await svc.syncQueue.clear();
        await forgetSyncRequests(table, driveId);
        resetSyncRequestCacheForTests();
        const firstLine = svc.logLines.length;
        const started = performance.now();
        svc.sim.graph.putFile(graphDriveId, `/bench/notify-${i}.txt`, `change ${i}`);
        while ((await svc.syncQueue.count()) === 0) await sleep(5);
        enqueued.push(performance.now() - started);
        // Visibility is only sampled on a few changes: each costs the whole debounce delay.
        if (i % 10 === 0) {
            await waitVisibleOrTaken(svc, firstLine);
            visible.push(performance.now() - started);
        }
    }
    return { enqueued, visible };
}

/**
 * With the sync engine registered the host consumes the message, possibly before a peek sees it:
 * a sync invocation starting after the change proves the message had become visible by then.
 */
async function waitVisibleOrTaken(svc: NotifyingService, firstLine: number): Promise<void> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
        if (svc.logLines.slice(firstLine).some((l) => l.includes("Executing 'Functions.syncQueue'"))) return;
        if ((await svc.syncQueue.visible()).length > 0) return;
        await sleep(20);
    }
    throw new Error('The webhook SyncMessage never became visible');
}

async function measureEndToEnd(svc: NotifyingService, driveId: string, graphDriveId: string): Promise<Milestones[]> {
    const container = BlobServiceClient.fromConnectionString(
        process.env.TEST_AZURITE_CONNECTION_STRING!,
    ).getContainerClient(svc.env.settings.PLATFORM_CONTAINER!);
    const samples: Milestones[] = [];
    for (let i = 0; i < CHANGES; i++) {
        const name = `e2e-${i}.txt`;
        const body = `end to end ${i} ${Date.now()}`;
        const firstLine = svc.logLines.length;
        const changedAt = Date.now();
        const started = performance.now();
        svc.sim.graph.putFile(graphDriveId, `/bench/${name}`, body);
        await waitForBlob(container, `${driveId}/bench/${name}`, body, 10 * 60_000);
        samples.push(milestones(svc.logLines.slice(firstLine), changedAt, performance.now() - started));
    }
    return samples;
}

/**
 * Production-like: changes keep coming (one every PRODUCTION_SPACING_MS) while earlier ones are still on
 * their way; each is timed from its own change until its bytes are verified in the platform store.
 */
async function measureStaggered(svc: NotifyingService, driveId: string, graphDriveId: string): Promise<number[]> {
    const container = BlobServiceClient.fromConnectionString(
        process.env.TEST_AZURITE_CONNECTION_STRING!,
    ).getContainerClient(svc.env.settings.PLATFORM_CONTAINER!);
    const waits: Promise<number>[] = [];
    for (let i = 0; i < PRODUCTION_CHANGES; i++) {
        const name = `prod-${i}.txt`;
        const body = `production-like ${i} ${Date.now()}`;
        const started = performance.now();
        svc.sim.graph.putFile(graphDriveId, `/bench/${name}`, body);
        waits.push(
            waitForBlob(container, `${driveId}/bench/${name}`, body, 15 * 60_000).then(
                () => performance.now() - started,
            ),
        );
        await sleep(PRODUCTION_SPACING_MS);
    }
    return Promise.all(waits);
}

/** Mean milliseconds per phase of the drive's recent webhook runs (the run record's own timings). */
async function printRunPhases(svc: NotifyingService, driveId: string): Promise<void> {
    const res = await svc.env.api('GET', `/api/drives/${driveId}/runs?limit=${Math.min(100, CHANGES)}`);
    const runs = (
        (res.body as { value?: { trigger?: string; timings?: Record<string, number>; durationMs?: number }[] }).value ??
        []
    ).filter((r) => r.trigger === 'webhook');
    const sums: Record<string, number> = {};
    for (const r of runs)
        for (const [k, v] of Object.entries({ ...r.timings, total: r.durationMs ?? 0 })) sums[k] = (sums[k] ?? 0) + v;
    const parts = Object.entries(sums).map(([k, v]) => `${k} ${(v / Math.max(1, runs.length)).toFixed(0)}`);
    console.log(`  sync run phases (mean ms over ${runs.length} webhook runs): ${parts.join(', ')}`);
}

// The bench's own polling must not dominate the figure it measures: a cheap point read of one blob.
const BLOB_POLL_MS = 25;

/**
 * Waits until `<driveId>/<path>` (the platform layout) holds exactly `body` and carries the
 * quickXorHash of those bytes (what the transfer stores after verifying the download against Graph's).
 */
async function waitForBlob(
    container: ContainerClient,
    blobName: string,
    body: string,
    timeoutMs: number,
): Promise<void> {
    const blob = container.getBlobClient(blobName);
    const hash = quickXorHash(Buffer.from(body, 'utf8'));
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        try {
            const download = await blob.download();
            const content = await readAll(download.readableStreamBody);
            if (content.toString('utf8') === body && download.metadata?.quickxorhash === hash) return;
        } catch (e) {
            // Not there yet (nor, before the drive's first sync, its container).
            if ((e as { statusCode?: number }).statusCode !== 404) throw e;
        }
        await sleep(BLOB_POLL_MS);
    }
    throw new Error(`${blobName} never reached the platform store`);
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
    const chunks: Buffer[] = [];
    if (stream) for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
}

function print(label: string, samples: number[]): void {
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
        `${label}: n=${sorted.length} p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms`,
    );
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
