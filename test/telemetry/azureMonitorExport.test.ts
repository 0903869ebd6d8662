import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
    startIngestionReceiver,
    type IngestionReceiver,
    type TelemetryEnvelope,
} from '../../dev/appInsights/ingestionReceiver';

/**
 * The Azure Monitor export, end to end: the built telemetry and logger modules run in a fresh Node
 * process (as on Azure, no jest module registry), with APPLICATIONINSIGHTS_CONNECTION_STRING pointing
 * at a local HTTPS ingestion receiver (dev CA, trusted through NODE_EXTRA_CA_CERTS as `npm test` sets
 * it). Key-based: no APPLICATIONINSIGHTS_AUTHENTICATION_STRING. The distro needs Node.js >= 22 (the
 * deployment's runtime; CI runs this suite on it): on Node 20 the process says why nothing is exported
 * and keeps its figures in memory.
 */
const dist = path.join(__dirname, '../../dist/lib');
const telemetryModule = path.join(dist, 'telemetry/telemetry.js');
const loggerModule = path.join(dist, 'logging/logger.js');
const run = promisify(execFile);
const nodeMajor = Number(process.versions.node.split('.')[0]);
const IKEY = '4b7e3f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** Records one sync run and one log line bound to a drive and a run, flushes, prints what it knows and exits. */
const probe = `
const t = require(${JSON.stringify(telemetryModule)});
const { createLogger } = require(${JSON.stringify(loggerModule)});
const silent = { log() {}, warn() {}, error() {}, invocationId: 'inv-1', functionName: 'syncDrive' };
const log = createLogger(silent, { operation: 'sync.run', driveId: 'drive-42', runId: 'run-7' });
t.recordMetric('sync.runs', 1, { outcome: 'succeeded', trigger: 'manual' });
log.info('run finished', { changes: 3, detail: { uploaded: 2 } });
(async () => {
    // An outgoing HTTPS call after the exporter started: with HTTP auto-instrumentation on, it would be
    // exported as a dependency (the host already records those).
    await t.flushTelemetry(); // waits for the exporter to start
    if (process.env.PROBE_CALL_URL)
        await new Promise((resolve) => require('node:https').get(process.env.PROBE_CALL_URL, (res) => res.resume().on('end', resolve)).on('error', resolve));
    await t.flushTelemetry();
    const exporter = t.telemetryExporter();
    const loaded = Object.keys(require.cache).filter((k) => /@azure[\\\\/]monitor-opentelemetry|@opentelemetry/.test(k)).length;
    // Exit at once, as a frozen or recycled instance would: only what the flush sent has arrived.
    process.stdout.write('@@' + JSON.stringify({ exporter, loaded, memory: t.telemetrySnapshot().metrics }), () => process.exit(0));
})();
`;

interface ProbeResult {
    exporter: { state: string; problem?: string };
    loaded: number;
    memory: { name: string; count: number }[];
}

async function runProbe(env: NodeJS.ProcessEnv): Promise<ProbeResult> {
    const { stdout } = await run(process.execPath, ['-e', probe], { env, encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(stdout.slice(stdout.lastIndexOf('@@') + 2)) as ProbeResult;
}

function baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true' };
    delete env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    delete env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING;
    delete env.OTEL_METRIC_EXPORT_INTERVAL;
    return env;
}

const describeBuilt = existsSync(telemetryModule) ? describe : describe.skip;

describeBuilt('telemetry export to Application Insights (Azure Monitor OpenTelemetry distro)', () => {
    let receiver: IngestionReceiver;
    beforeAll(async () => {
        receiver = await startIngestionReceiver();
    });
    afterAll(() => receiver.close());
    beforeEach(() => {
        receiver.envelopes.length = 0;
        receiver.otherRequests.length = 0;
    });

    it('loads nothing of OpenTelemetry when the connection string is not set', async () => {
        const result = await runProbe(baseEnv());
        expect(result.exporter).toEqual({ state: 'off' });
        expect(result.loaded).toBe(0);
        expect(result.memory).toEqual([expect.objectContaining({ name: 'sync.runs', count: 1 })]);
        expect(receiver.envelopes).toEqual([]);
    });

    const onNode22 = nodeMajor >= 22 ? it : it.skip;
    const onNode20 = nodeMajor < 22 ? it : it.skip;

    onNode22(
        "sends the sync-run metric with its dimensions and the log line's custom dimensions when flushed",
        async () => {
            const connectionString = `InstrumentationKey=${IKEY};IngestionEndpoint=${receiver.endpoint}`;
            const result = await runProbe({
                ...baseEnv(),
                APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
                PROBE_CALL_URL: `${receiver.endpoint}not-telemetry`,
            });
            expect(result.exporter).toEqual({ state: 'on' });
            expect(receiver.otherRequests).toEqual(['GET /not-telemetry']);
            expect(result.loaded).toBeGreaterThan(0);

            const metrics = receiver.envelopes
                .filter((e) => e.data?.baseType === 'MetricData')
                .flatMap((e) => metricPoints(e));
            expect(metrics).toContainEqual({
                name: 'sync.runs',
                value: 1,
                properties: expect.objectContaining({ outcome: 'succeeded', trigger: 'manual' }),
            });

            const logs = receiver.envelopes.filter((e) => e.data?.baseType === 'MessageData');
            expect(logs).toHaveLength(1);
            expect(logs[0]!.iKey).toBe(IKEY);
            expect(logs[0]!.data?.baseData).toEqual(
                expect.objectContaining({
                    message: 'run finished',
                    severityLevel: 'Information',
                    properties: expect.objectContaining({
                        operation: 'sync.run',
                        invocationId: 'inv-1',
                        driveId: 'drive-42',
                        runId: 'run-7',
                        changes: '3',
                        detail: '{"uploaded":2}',
                    }),
                }),
            );
            // Only the service's own signals: no auto-collected requests, dependencies (the GET above) or counters.
            expect(new Set(receiver.envelopes.map((e) => e.data?.baseType))).toEqual(
                new Set(['MetricData', 'MessageData']),
            );
            expect(metrics.map((m) => m.name)).toEqual(['sync.runs']);
        },
        90_000,
    );

    onNode20('on Node 20 says once why nothing is exported and keeps telemetry in memory', async () => {
        const connectionString = `InstrumentationKey=${IKEY};IngestionEndpoint=${receiver.endpoint}`;
        const result = await runProbe({ ...baseEnv(), APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString });
        expect(result.exporter.state).toBe('off');
        expect(result.exporter.problem).toMatch(/needs Node\.js >= 22/);
        expect(result.loaded).toBe(0);
        expect(result.memory).toEqual([expect.objectContaining({ name: 'sync.runs', count: 1 })]);
        expect(receiver.envelopes).toEqual([]);
    });
});

/** Application Insights MetricData: `data.baseData.metrics[]` (name, value) and `data.baseData.properties`. */
function metricPoints(envelope: TelemetryEnvelope): { name: string; value: number; properties: unknown }[] {
    const base = envelope.data?.baseData as
        { metrics?: { name: string; value: number }[]; properties?: Record<string, string> } | undefined;
    return (base?.metrics ?? []).map((m) => ({ name: m.name, value: m.value, properties: base?.properties ?? {} }));
}
