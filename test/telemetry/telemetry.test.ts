import { getHeapStatistics } from 'node:v8';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { createLogger } from '../../lib/logging/logger';
import { runSync } from '../../lib/sync/engine';
import { resetTelemetryForTests, telemetrySnapshot, type MetricSeries } from '../../lib/telemetry/telemetry';
import type { MetricName } from '../../lib/telemetry/instruments';
import type { ConnectedService } from '../support/connectedService';
import { message, runMessages, services, startSyncService, until } from '../sync/engine/engineHarness';

/**
 * Telemetry of a real first sync and its transfers (the host's transfer queue, the simulator behind
 * HTTPS): the metrics the service emits and the structured properties of its log records, read from
 * the in-memory sink every process has (the Azure Monitor sink exports the same calls).
 */
let svc: ConnectedService;
let drive: DriveRecord;
const lines: string[] = [];
// The real logger, as a queue trigger builds it; the host's context writes these lines to its log.
const log = createLogger({
    log: (...a: unknown[]) => lines.push(a.map(String).join(' ')),
    warn: (...a: unknown[]) => lines.push(a.map(String).join(' ')),
    error: (...a: unknown[]) => lines.push(a.map(String).join(' ')),
    functionName: 'syncQueue',
    invocationId: 'inv-1',
});

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
}, 120_000);
afterAll(async () => {
    await svc?.stop();
});

const series = (name: MetricName, attributes: Record<string, string> = {}): MetricSeries[] =>
    telemetrySnapshot().metrics.filter(
        (m) => m.name === name && Object.entries(attributes).every(([k, v]) => m.attributes[k] === v),
    );
const total = (name: MetricName, attributes?: Record<string, string>) =>
    series(name, attributes).reduce((n, s) => n + s.sum, 0);
const count = (name: MetricName, attributes?: Record<string, string>) =>
    series(name, attributes).reduce((n, s) => n + s.count, 0);

describe('telemetry of a sync run and its transfers', () => {
    let runId: string;

    it('emits runs by outcome, durations, files and bytes per direction, Graph requests by kind and throttle waits', async () => {
        resetTelemetryForTests();
        // Graph throttles the first delta request once (Retry-After 1 s): the gate waits it out, then sends again.
        svc.sim.graph.addFault({ kind: 'throttle', path: '/delta', count: 1, retryAfterSeconds: 1 });
        runId = ((await svc.env.api('POST', `/api/drives/${drive.id}/sync`)).body as { runId: string }).runId;
        await runMessages(drive.id, { log });
        const files = svc.sim.graph.listTree(drive.graph!.driveId).filter((i) => !i.isFolder);
        await until(
            'every download counted',
            async () =>
                total('transfer.files', { direction: 'download', outcome: 'succeeded' }) === files.length
                    ? true
                    : undefined,
            60_000,
        );

        expect(count('sync.runs', { outcome: 'succeeded', trigger: 'manual' })).toBe(1);
        expect(series('sync.run.duration', { outcome: 'succeeded', trigger: 'manual' })[0]).toMatchObject({ count: 1 });
        expect(series('sync.run.duration')[0]!.sum).toBeGreaterThan(0);
        // The run's process (this one: runSync runs in it) reports its peak RSS, by the heap limit Node chose.
        const heapLimitMiB = String(Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024));
        expect(series('sync.run.memory', { heapLimitMiB })[0]).toMatchObject({ count: 1 });
        expect(series('sync.run.memory')[0]!.min).toBeGreaterThanOrEqual(
            Math.floor(process.memoryUsage().rss / 2 ** 21),
        );
        expect(total('transfer.bytes', { direction: 'download' })).toBe(files.reduce((n, f) => n + f.size, 0));
        expect(total('transfer.bytes', { direction: 'upload' })).toBe(0);
        expect(count('transfer.duration', { direction: 'download', outcome: 'succeeded' })).toBe(files.length);
        expect(total('graph.requests', { kind: 'delta', status: '2xx' })).toBeGreaterThanOrEqual(1);
        expect(total('graph.requests', { kind: 'download', status: '2xx' })).toBeGreaterThanOrEqual(files.length);
        expect(total('graph.requests', { kind: 'delta', status: '429' })).toBe(1);
        expect(total('graph.requests', { status: '429' })).toBe(1);
        expect(count('graph.throttle.wait', { reason: 'retry_after' })).toBeGreaterThanOrEqual(1);
        expect(series('graph.throttle.wait', { reason: 'retry_after' })[0]!.max).toBeGreaterThanOrEqual(500);
    }, 120_000);

    it('log records carry the operation, drive, run and transfer as properties', () => {
        const { logs } = telemetrySnapshot();
        const finished = logs.find((l) => l.message === 'Sync run finished');
        expect(finished?.properties).toMatchObject({
            operation: 'sync.run',
            driveId: drive.id,
            runId,
            invocationId: 'inv-1',
            status: 'succeeded',
        });
        const transfers = logs.filter((l) => l.message === 'transfer succeeded');
        expect(transfers.length).toBeGreaterThanOrEqual(1);
        for (const t of transfers)
            expect(t.properties).toMatchObject({
                operation: 'transfer.download',
                driveId: drive.id,
                runId,
                transferId: expect.stringMatching(new RegExp(`^${runId}\\.`)),
            });
        // The host's own line still carries them too (context.log joins its arguments).
        expect(lines.some((l) => l.includes('Sync run finished'))).toBe(true);
    });

    it('measures how long a change notification waited for its run', async () => {
        const requestedAt = new Date(Date.now() - 1500).toISOString();
        const result = await runSync(
            await services(),
            message(drive.integrationId, drive.id, { trigger: 'webhook', requestedAt }),
            { log },
        );
        expect(result.outcome).toBe('ran');
        const delay = series('sync.notification.delay');
        expect(delay).toHaveLength(1);
        expect(delay[0]!.count).toBe(1);
        expect(delay[0]!.min).toBeGreaterThanOrEqual(1500);
        expect(count('sync.runs', { trigger: 'webhook', outcome: 'succeeded' })).toBe(1);
    });

    it('the local host shows the same figures on its dev-only route, to the master key only', async () => {
        const url = `${svc.env.host.url}/__host/telemetry`;
        const res = await fetch(url, { headers: { 'x-functions-key': svc.env.host.functionKey } });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { metrics: MetricSeries[]; logs: { message: string }[] };
        expect(body.metrics).toEqual(expect.arrayContaining(series('sync.runs')));
        expect(body.logs.some((l) => l.message === 'Sync run finished')).toBe(true);
        expect((await fetch(url)).status).toBe(401);
    });
});
