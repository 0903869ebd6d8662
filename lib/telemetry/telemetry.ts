import type { Attributes, MetricName } from './instruments';

/**
 * The service's telemetry, without dependencies (it is on the start-up path): metrics and structured
 * log records go to every registered sink. The in-memory sink is always there (tests and the local
 * host read it); when APPLICATIONINSIGHTS_CONNECTION_STRING is set, the Azure Monitor sink
 * (azureMonitorSink.ts) is loaded lazily on first use and exports them, so figures add up across
 * instances instead of living in one instance's memory.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface LogRecord {
    level: LogLevel;
    message: string;
    /** Custom dimensions: driveId, runId, transferId, operation, and the call's own properties. */
    properties: Record<string, unknown>;
    at: number;
}

export interface TelemetrySink {
    metric(name: MetricName, value: number, attributes: Attributes): void;
    log(record: LogRecord): void;
    /** Sends what is buffered now (the exporter's own interval is 60 s). */
    flush?(): Promise<void>;
}

export interface MetricSeries {
    name: MetricName;
    attributes: Attributes;
    count: number;
    sum: number;
    min: number;
    max: number;
}

/** Aggregates per metric and attribute set (bounded: a runaway dimension cannot grow it for ever). */
class MemorySink implements TelemetrySink {
    private readonly series = new Map<string, MetricSeries>();
    private readonly logs: LogRecord[] = [];
    static readonly MAX_SERIES = 2_000;
    static readonly MAX_LOGS = 2_000;

    metric(name: MetricName, value: number, attributes: Attributes): void {
        const key = `${name}|${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)))}`;
        const found = this.series.get(key);
        if (found) {
            found.count++;
            found.sum += value;
            found.min = Math.min(found.min, value);
            found.max = Math.max(found.max, value);
            return;
        }
        if (this.series.size >= MemorySink.MAX_SERIES) return;
        this.series.set(key, { name, attributes: { ...attributes }, count: 1, sum: value, min: value, max: value });
    }

    log(record: LogRecord): void {
        this.logs.push(record);
        if (this.logs.length > MemorySink.MAX_LOGS) this.logs.splice(0, this.logs.length - MemorySink.MAX_LOGS);
    }

    snapshot(): { metrics: MetricSeries[]; logs: LogRecord[] } {
        return { metrics: [...this.series.values()].map((s) => ({ ...s })), logs: [...this.logs] };
    }

    reset(): void {
        this.series.clear();
        this.logs.length = 0;
    }
}

const memory = new MemorySink();
const sinks: TelemetrySink[] = [memory];
let exporter: 'unchecked' | 'loading' | 'off' | 'on' = 'unchecked';
let exporterProblem: string | undefined;
/** What arrived while the exporter was loading: handed over once it is there (bounded). */
const pending: ((sink: TelemetrySink) => void)[] = [];
/** Settles (never rejects) once the exporter is on or has given up. */
let loaded: Promise<void> = Promise.resolve();

function startExporter(): void {
    if (exporter !== 'unchecked') return;
    const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    if (!connectionString) {
        exporter = 'off';
        return;
    }
    exporter = 'loading';
    loaded = import('./azureMonitorSink')
        .then(({ createAzureMonitorSink }) => createAzureMonitorSink(connectionString))
        .then((sink) => {
            exporter = 'on';
            sinks.push(sink);
            for (const replay of pending) replay(sink);
            pending.length = 0;
        })
        .catch((e: unknown) => {
            // Said once, in the host's log; the in-memory sink goes on.
            exporter = 'off';
            exporterProblem = e instanceof Error ? e.message : String(e);
            pending.length = 0;
            process.emitWarning(exporterProblem);
        });
}

function dispatch(emit: (sink: TelemetrySink) => void): void {
    startExporter();
    for (const sink of sinks) emit(sink);
    if (exporter === 'loading' && pending.length < 10_000) pending.push(emit);
}

/** Adds to a counter (never negative) or records a histogram value (instruments.ts). Attribute values are short strings. */
export function recordMetric(name: MetricName, value: number, attributes: Attributes = {}): void {
    if (!Number.isFinite(value)) return;
    dispatch((sink) => sink.metric(name, value, attributes));
}

export function emitLog(record: LogRecord): void {
    dispatch((sink) => sink.log(record));
}

/**
 * Sends buffered metrics and log records now, when an exporter is on (waits for it if it is still
 * loading); otherwise returns at once. Azure Functions may freeze or recycle an instance between
 * invocations, so the end of a sync run does not leave its figures to the next 60 s export.
 * Never throws and never waits longer than the exporter's flush timeout: telemetry must not fail a run.
 */
export async function flushTelemetry(): Promise<void> {
    if (exporter === 'unchecked' || exporter === 'off') return;
    if (exporter === 'loading') await loaded;
    await Promise.all(sinks.map((s) => s.flush?.().catch(() => undefined)));
}

/** The in-memory view of this process: tests, and the local host's dev-only /dev/telemetry route. */
export function telemetrySnapshot(): { metrics: MetricSeries[]; logs: LogRecord[] } {
    return memory.snapshot();
}

/** Whether metrics and logs leave this process (`on`), and why not when the exporter could not start. */
export function telemetryExporter(): { state: typeof exporter; problem?: string } {
    return exporterProblem ? { state: exporter, problem: exporterProblem } : { state: exporter };
}

export function resetTelemetryForTests(): void {
    memory.reset();
}
